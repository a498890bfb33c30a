<#
.SYNOPSIS
    Builds, tests or packages KeepTrusts (a thin wrapper over dotnet for pwsh users).
.DESCRIPTION
    Build   : dotnet build, which assembles the importable module in out/KeepTrusts/.
    Test    : dotnet test KeepTrusts.sln, then the Pester specs in tests/Pester against the built module, with Pester
              6.2.0 from the NuGet registry (restored into the NuGet cache by tests/Pester/tools/PesterDownload.csproj).
              Fails when either fails.
    Package : into artifacts/:
              KeepTrusts.Gateway.<version>.nupkg  the kt .NET tool (dotnet tool install --global --add-source ./artifacts KeepTrusts.Gateway)
              kt-<version>-<rid>.tar.gz / .zip    self-contained kt per platform (no .NET needed): Native AOT for
                                                  linux-x64 when built on linux-x64 (needs clang), trimmed single-file elsewhere
              KeepTrusts.<version>.nupkg          the module for Publish-PSResource -NupkgPath, with gateway/kt.dll and
                                                  the self-contained gateway/<rid>/kt for every -Runtime built
                                                  (packed from module/KeepTrusts, a copy of out/KeepTrusts)
.PARAMETER Runtime
    Platforms to build self-contained kt for (default: all four). The self-contained builds target net10.0: they carry
    their own runtime, and the registry here serves the net10 runtime packs for all four platforms.
.EXAMPLE
    ./build.ps1 -Task Test
.EXAMPLE
    ./build.ps1 -Task Package -Runtime linux-x64
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    [ValidateSet('linux-x64', 'linux-arm64', 'win-x64', 'osx-arm64')]
    [string[]] $Runtime = @('linux-x64', 'linux-arm64', 'win-x64', 'osx-arm64')
)

$ErrorActionPreference = 'Stop'
Push-Location -LiteralPath $PSScriptRoot
try {
    function Invoke-Dotnet {
        param([string[]] $Arguments)
        Write-Verbose "dotnet $($Arguments -join ' ')"
        & dotnet @Arguments
        if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE" }
    }

    $version = ([xml](Get-Content -Raw Directory.Build.props)).Project.PropertyGroup.VersionPrefix | Where-Object { $_ } | Select-Object -First 1
    $artifacts = Join-Path $PSScriptRoot 'artifacts'

    switch ($Task) {
        'Build' {
            Invoke-Dotnet @('build', 'KeepTrusts.sln', '-c', $Configuration)
            Write-Host "Module: $(Join-Path $PSScriptRoot 'out/KeepTrusts/KeepTrusts.psd1')"
        }
        'Test' {
            Invoke-Dotnet @('test', 'KeepTrusts.sln', '-c', $Configuration)
            # The same runner .ci/run uses: Pester 6.2.0 from the registry, the specs against out/KeepTrusts.
            & (Join-Path $PSScriptRoot 'tests/Pester/Invoke-KtPester.ps1')
            if ($LASTEXITCODE -ne 0) { throw "Pester failed ($LASTEXITCODE failed test(s))" }
        }
        'Package' {
            New-Item -ItemType Directory -Force -Path $artifacts | Out-Null
            Invoke-Dotnet @('build', 'KeepTrusts.sln', '-c', 'Release')
            Invoke-Dotnet @('pack', 'src/KeepTrusts.Gateway/KeepTrusts.Gateway.csproj', '-c', 'Release', '--no-build', '-o', $artifacts)

            foreach ($rid in $Runtime) {
                $publishDir = Join-Path $artifacts "self-contained/$rid"
                Write-Progress -Activity 'Self-contained kt' -Status $rid
                # Own artifacts path: the net10.0 restore must not overwrite the net8.0 one the module build uses.
                $publish = @('publish', 'src/KeepTrusts.Gateway/KeepTrusts.Gateway.csproj', '-c', 'Release', '-r', $rid, '--self-contained',
                    '--artifacts-path', (Join-Path $artifacts 'obj-self-contained'), '-p:KtTargetFramework=net10.0', '-p:DebugType=none', '-o', $publishDir)
                if ($rid -eq 'linux-x64' -and $IsLinux -and [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'X64') {
                    # Native AOT on linux-x64 (bench/README.md, "Native AOT": less memory, start-up in milliseconds). Native AOT
                    # cannot cross-compile to another OS or CPU, so the other platforms stay single-file JIT builds.
                    $publish += '-p:PublishAot=true'
                    # The AOT linker is clang; Debian's clang-NN packages install no plain `clang`.
                    if (-not (Get-Command clang -ErrorAction SilentlyContinue)) {
                        $versioned = Get-Command 'clang-[0-9]*' -ErrorAction SilentlyContinue | Where-Object Name -Match '^clang-\d+$' | Sort-Object Name -Descending | Select-Object -First 1
                        if ($versioned) { $publish += "-p:CppCompilerAndLinker=$($versioned.Name)" }
                    }
                }
                else {
                    # Trimmed like the AOT kt (the same NativeAot.Roots.xml): the untrimmed runtimes made the four-platform
                    # module package 266 MB, over the PowerShell Gallery's 250 MB per package.
                    $publish += @('-p:PublishSingleFile=true', '-p:EnableCompressionInSingleFile=true', '-p:PublishTrimmed=true')
                }
                Invoke-Dotnet $publish
                Remove-Item -Force -ErrorAction SilentlyContinue (Join-Path $publishDir '*.json'), (Join-Path $publishDir '*.dbg'), (Join-Path $publishDir '*.pdb')
                $moduleGateway = Join-Path $PSScriptRoot "out/KeepTrusts/gateway/$rid"
                New-Item -ItemType Directory -Force -Path $moduleGateway | Out-Null
                Copy-Item -Path (Join-Path $publishDir '*') -Destination $moduleGateway -Force
                if ($rid -like 'win-*') {
                    Compress-Archive -Path (Join-Path $publishDir '*') -DestinationPath (Join-Path $artifacts "kt-$version-$rid.zip") -Force
                }
                else {
                    # kt and the onnxruntime libraries beside it (the optional ONNX model layer), as the .zip holds them
                    & tar -czf (Join-Path $artifacts "kt-$version-$rid.tar.gz") -C $publishDir @(Get-ChildItem -Name -Path $publishDir)
                    if ($LASTEXITCODE -ne 0) { throw "tar failed for $rid" }
                }
            }
            Write-Progress -Activity 'Self-contained kt' -Completed

            # The package is made from a copy of out/KeepTrusts without gateway/runtimes/<rid> for each platform that got a
            # self-contained kt: there Start-KtGateway runs gateway/<rid>/kt (its onnxruntime beside it), never
            # gateway/kt.dll, so those were a third copy of onnxruntime (~46 MB compressed for the four). kt.dll keeps the
            # natives of the other platforms (win-arm64); the cmdlets keep all of theirs in dependencies/.
            $staging = Join-Path $artifacts 'module/KeepTrusts'
            Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $staging
            New-Item -ItemType Directory -Force -Path (Split-Path $staging) | Out-Null
            Copy-Item -Recurse -Path (Join-Path $PSScriptRoot 'out/KeepTrusts') -Destination $staging
            foreach ($rid in $Runtime) {
                Remove-Item -Recurse -Force -ErrorAction SilentlyContinue (Join-Path $staging "gateway/runtimes/$rid")
            }

            # PSResourceGet (in PowerShell 7.4+) makes the module package, so Publish-PSResource -NupkgPath takes it as is.
            Remove-Item -Force -ErrorAction SilentlyContinue (Join-Path $artifacts "KeepTrusts.$version.nupkg")
            Compress-PSResource -Path $staging -DestinationPath $artifacts
            Get-ChildItem $artifacts -File | Format-Table Name, @{ n = 'MB'; e = { [math]::Round($_.Length / 1MB, 1) } } | Out-Host
        }
    }
}
finally {
    Pop-Location
}
