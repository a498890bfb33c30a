<#
.SYNOPSIS
    Runs the Pester specs in this folder against the built module (out/KeepTrusts) with Pester 6.2.0 from the NuGet
    registry; exits with the number of failed tests (0 = all passed). .ci/run and build.ps1 -Task Test call it.
.PARAMETER Path
    Spec files or folders (default: this folder).
#>
[CmdletBinding()]
param([string[]] $Path = @($PSScriptRoot))

$ErrorActionPreference = 'Stop'
$repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
if (-not (Test-Path (Join-Path $repo 'out/KeepTrusts/KeepTrusts.psd1'))) {
    throw "The module is not built: run 'dotnet build' first (it assembles out/KeepTrusts)."
}

# Pester ships as a NuGet package with the module under tools/; restoring this project puts it in the NuGet cache.
& dotnet restore (Join-Path $PSScriptRoot 'tools/PesterDownload.csproj') --verbosity quiet
if ($LASTEXITCODE -ne 0) { throw "dotnet restore of Pester failed ($LASTEXITCODE)" }
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
Import-Module (Join-Path $packages 'pester/6.2.0/tools/Pester.psd1') -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.CIFormat = 'None'
$result = Invoke-Pester -Configuration $configuration
# A path that does not exist makes Invoke-Pester print an error and return no result; that must not pass as 0 failures.
if ($null -eq $result -or $result.TotalCount -eq 0) {
    Write-Host "Pester ran no tests from: $($Path -join ', ') (a path that does not exist, or specs without tests)"
    exit 1
}
Write-Host "Pester $((Get-Module Pester).Version): $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
exit [Math]::Min($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount, 255)
