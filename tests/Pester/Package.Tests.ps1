# The module package as the PowerShell Gallery and Publish-PSResource see it. Uses artifacts/KeepTrusts.<version>.nupkg
# when build.ps1 -Task Package made one, else packs out/KeepTrusts the same way (Compress-PSResource) into TestDrive.

BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $moduleDir = Join-Path $repo 'out/KeepTrusts'
    $manifest = Import-PowerShellDataFile (Join-Path $moduleDir 'KeepTrusts.psd1')
    $version = $manifest.ModuleVersion
    $nupkg = Join-Path $repo "artifacts/KeepTrusts.$version.nupkg"
    if (-not (Test-Path $nupkg)) {
        Compress-PSResource -Path $moduleDir -DestinationPath $TestDrive
        $nupkg = Join-Path $TestDrive "KeepTrusts.$version.nupkg"
    }

    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $zip = [System.IO.Compression.ZipFile]::OpenRead($nupkg)
    $entries = $zip.Entries | ForEach-Object FullName
    $nuspecEntry = $zip.Entries | Where-Object FullName -EQ 'KeepTrusts.nuspec'
    $reader = [System.IO.StreamReader]::new($nuspecEntry.Open())
    [xml] $nuspec = $reader.ReadToEnd()
    $reader.Dispose()
    $zip.Dispose()
    $metadata = $nuspec.package.metadata
}

Describe 'The module nupkg' -Tag 'Package' {
    It 'names the module, its version and its authors' {
        $metadata.id | Should -Be 'KeepTrusts'
        $metadata.version | Should -Be $version
        $metadata.authors | Should -Be 'KeepTrusts'
        $metadata.description | Should -Be $manifest.Description
    }

    It 'carries the project, license and release notes from the manifest' {
        $metadata.projectUrl | Should -Be 'https://github.com/keeptrusts/keeptrusts'
        $metadata.licenseUrl | Should -Be 'https://github.com/keeptrusts/keeptrusts/blob/main/LICENSE'
        $metadata.releaseNotes | Should -Match 'CHANGELOG'
        $metadata.tags | Should -Match 'PSModule'
    }

    It 'holds the module files, help, about topics, license and the gateway' {
        $entries | Should -Contain 'KeepTrusts.psd1'
        $entries | Should -Contain 'KeepTrusts.PowerShell.dll'
        $entries | Should -Contain 'KeepTrusts.Format.ps1xml'
        $entries | Should -Contain 'en-US/KeepTrusts.PowerShell.dll-Help.xml'
        $entries | Should -Contain 'en-US/about_KeepTrusts.help.txt'
        $entries | Should -Contain 'en-US/about_KeepTrusts_PolicyConfig.help.txt'
        $entries | Should -Contain 'LICENSE'
        $entries | Should -Contain 'dependencies/KeepTrusts.Engine.dll'
        $entries | Should -Contain 'gateway/kt.dll'
    }

    It 'fits the PowerShell Gallery, which refuses a package over 250 MB (nuget.org''s limit, NuGet/Home#6208)' {
        # 250,000,000 bytes, the stricter reading of "250 MB"; the four-platform package of build.ps1 -Task Package
        # must fit, not only a one-platform build.
        (Get-Item -LiteralPath $nupkg).Length | Should -BeLessOrEqual 250000000
    }

    It 'carries no second onnxruntime for a platform with a self-contained kt, and no link-time .lib files' {
        # build.ps1 -Task Package: gateway/<rid>/kt brings its own onnxruntime, and kt.dll never runs on that platform.
        $selfContained = $entries | ForEach-Object { if ($_ -match '^gateway/([a-z]+-[a-z0-9]+)/kt(\.exe)?$') { $Matches[1] } }
        foreach ($rid in $selfContained) {
            $entries | Where-Object { $_ -like "gateway/runtimes/$rid/*" } | Should -BeNullOrEmpty -Because "gateway/$rid/kt runs there, not gateway/kt.dll"
            $entries | Where-Object { $_ -like "dependencies/runtimes/$rid/native/*onnxruntime*" } | Should -Not -BeNullOrEmpty -Because 'the cmdlets load the model layer in-process'
        }
        $entries | Where-Object { $_ -like '*.lib' } | Should -BeNullOrEmpty
    }

    It 'is accepted by Publish-PSResource -NupkgPath, installs for the current user, imports, answers through the echo gateway and uninstalls, as README says' -Skip:$IsWindows {
        # README's "Install" block in a child pwsh with its own HOME: the repository it registers and the module it
        # installs (CurrentUser scope) are this test's alone, and nothing in this process's module table is reused.
        $childHome = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'home') -Force
        # As in a user's home: without ~/.config, Publish-PSResource writes NuGet/NuGet.Config into the current directory.
        New-Item -ItemType Directory -Path (Join-Path $childHome '.config') -Force | Out-Null
        $userFeed = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'keeptrusts-repo') -Force
        # A copy of the example: its audit path is relative to the file, so the test's audit log stays in TestDrive.
        $config = Join-Path $TestDrive 'examples/quickstart-echo.yaml'
        New-Item -ItemType Directory -Path (Split-Path $config) -Force | Out-Null
        Copy-Item (Join-Path $repo 'examples/quickstart-echo.yaml') $config
        $script = Join-Path $TestDrive 'install.ps1'
        Set-Content -Path $script -Value @'
param($Nupkg, $Feed, $Config)
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name KeepTrustsLocal -Uri $Feed -Trusted
Publish-PSResource -NupkgPath $Nupkg -Repository KeepTrustsLocal
$found = Find-PSResource -Name KeepTrusts -Repository KeepTrustsLocal
Install-PSResource -Name KeepTrusts -Repository KeepTrustsLocal -Scope CurrentUser
Import-Module KeepTrusts
$module = Get-Module KeepTrusts
$commands = @(Get-Command -Module KeepTrusts | ForEach-Object Name)
$gw = Start-KtGateway $Config -Listen 127.0.0.1:0 -PassThru
try { $chat = Invoke-KtChat -GatewayUrl $gw.Url -Model gpt-4o -Message 'hello' }
finally { $gw | Stop-KtGateway }
Remove-Module KeepTrusts
Uninstall-PSResource -Name KeepTrusts -Version *
[pscustomobject]@{
    ModuleBase = $module.ModuleBase; Found = "$($found.Version)"; Version = "$($module.Version)"; Commands = $commands; Answer = $chat.Content
    Target = $chat.Target; Left = @(Get-InstalledPSResource -Name KeepTrusts -ErrorAction SilentlyContinue).Count
} | ConvertTo-Json -Compress
'@
        # This pwsh again: a .NET tool install (as CI's) runs as `dotnet pwsh.dll`.
        $pwsh = [Environment]::ProcessPath
        $pwshArgs = @(if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { [Environment]::GetCommandLineArgs()[0] })
        $saved = @{ HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; XDG_CONFIG_HOME = $env:XDG_CONFIG_HOME; PSModulePath = $env:PSModulePath }
        try {
            [Environment]::SetEnvironmentVariable('HOME', $childHome.FullName)
            foreach ($name in 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'PSModulePath') { [Environment]::SetEnvironmentVariable($name, $null) }
            Push-Location -LiteralPath $TestDrive
            $output = & $pwsh @pwshArgs -NoProfile -NonInteractive -File $script $nupkg $userFeed.FullName $config 2>&1
        }
        finally {
            Pop-Location
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $json = $output | Where-Object { "$_" -like '{"ModuleBase"*' } | Select-Object -Last 1
        $json | Should -Not -BeNullOrEmpty -Because ($output -join "`n")
        $result = $json | ConvertFrom-Json
        $result.ModuleBase | Should -BeLike "$($childHome.FullName)/*KeepTrusts/$version"
        $result.Found | Should -Be $version
        $result.Version | Should -Be $version
        @($result.Commands | Sort-Object) | Should -Be @($manifest.CmdletsToExport | Sort-Object)
        $result.Answer | Should -Be 'hello'
        $result.Target | Should -Be 'echo-demo'
        $result.Left | Should -Be 0
    }
}
