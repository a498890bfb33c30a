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

    It 'carries no second onnxruntime for a platform with a self-contained kt, and no link-time .lib files' {
        # build.ps1 -Task Package: gateway/<rid>/kt brings its own onnxruntime, and kt.dll never runs on that platform.
        $selfContained = $entries | ForEach-Object { if ($_ -match '^gateway/([a-z]+-[a-z0-9]+)/kt(\.exe)?$') { $Matches[1] } }
        foreach ($rid in $selfContained) {
            $entries | Where-Object { $_ -like "gateway/runtimes/$rid/*" } | Should -BeNullOrEmpty -Because "gateway/$rid/kt runs there, not gateway/kt.dll"
            $entries | Where-Object { $_ -like "dependencies/runtimes/$rid/native/*onnxruntime*" } | Should -Not -BeNullOrEmpty -Because 'the cmdlets load the model layer in-process'
        }
        $entries | Where-Object { $_ -like '*.lib' } | Should -BeNullOrEmpty
    }

    It 'is accepted by Publish-PSResource -NupkgPath and installs from the repository it was published to' {
        $feed = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'feed') -Force
        $name = 'KtPackageTest' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        Register-PSResourceRepository -Name $name -Uri $feed.FullName -Trusted
        try {
            Publish-PSResource -NupkgPath $nupkg -Repository $name
            (Find-PSResource -Name KeepTrusts -Repository $name).Version.ToString() | Should -Be $version

            $saved = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'saved') -Force
            Save-PSResource -Name KeepTrusts -Repository $name -Path $saved.FullName -TrustRepository
            $installed = Join-Path $saved.FullName "KeepTrusts/$version/KeepTrusts.psd1"
            (Test-ModuleManifest -Path $installed).ExportedCmdlets.Keys | Should -Contain 'Start-KtGateway'
        }
        finally {
            Unregister-PSResourceRepository -Name $name
        }
    }
}
