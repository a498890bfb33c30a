<#
.SYNOPSIS
    Builds, tests or packages the KeepTrusts module (a thin wrapper over dotnet for pwsh users).
.DESCRIPTION
    Build   : dotnet build, which assembles the importable module in out/KeepTrusts/.
    Test    : the same test command as the README and CI (dotnet test KeepTrusts.sln).
    Package : builds Release and zips out/KeepTrusts into out/KeepTrusts-<version>.zip.
.EXAMPLE
    ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
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

    switch ($Task) {
        'Build' {
            Invoke-Dotnet @('build', 'KeepTrusts.sln', '-c', $Configuration)
            Write-Host "Module: $(Join-Path $PSScriptRoot 'out/KeepTrusts/KeepTrusts.psd1')"
        }
        'Test' {
            Invoke-Dotnet @('test', 'KeepTrusts.sln', '-c', $Configuration)
            if (Get-Module -ListAvailable -Name Pester | Where-Object Version -ge '5.0.0') {
                Invoke-Pester -Path (Join-Path $PSScriptRoot 'tests/Pester') -Output Detailed -CI
            }
            else {
                Write-Warning 'Pester 5 is not installed; skipped tests/Pester (the xunit suite above covers the module in a hosted runspace).'
            }
        }
        'Package' {
            Invoke-Dotnet @('build', 'KeepTrusts.sln', '-c', 'Release')
            $manifest = Import-PowerShellDataFile -Path (Join-Path $PSScriptRoot 'out/KeepTrusts/KeepTrusts.psd1')
            $zip = Join-Path $PSScriptRoot "out/KeepTrusts-$($manifest.ModuleVersion).zip"
            Compress-Archive -Path (Join-Path $PSScriptRoot 'out/KeepTrusts') -DestinationPath $zip -Force
            Write-Host "Package: $zip"
        }
    }
}
finally {
    Pop-Location
}
