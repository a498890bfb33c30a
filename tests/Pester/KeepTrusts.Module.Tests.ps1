#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Pester 5 specs for machines with pwsh. They import the BUILT module (run `dotnet build` first).

BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $repo 'out/KeepTrusts/KeepTrusts.psd1') -Force
    $examples = Join-Path $repo 'examples'
}

Describe 'KeepTrusts module' -Tag 'UnitTests' {
    It 'exports the cmdlets listed in the manifest' {
        $manifest = Import-PowerShellDataFile (Join-Path $repo 'KeepTrusts.psd1')
        (Get-Module KeepTrusts).ExportedCmdlets.Keys | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path (Join-Path $repo 'out/KeepTrusts/KeepTrusts.psd1') -ErrorAction Stop } | Should -Not -Throw
    }
}

Describe 'Test-KtPolicyConfig' -Tag 'UnitTests' {
    It 'has exactly the expected parameters' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters
        (Get-Command Test-KtPolicyConfig).Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object |
            Should -Be @('LiteralPath', 'Path', 'Quiet')
    }

    It 'reports every seed example as valid' {
        Get-ChildItem $examples -Filter *.yaml | Test-KtPolicyConfig | ForEach-Object {
            $_.IsValid | Should -BeTrue -Because ($_.Errors -join "`n")
        }
    }

    It 'reports a typo and a missing model with line numbers' {
        $file = Join-Path $TestDrive 'bad.yaml'
        Set-Content $file "pack:`n  name: t`nproviders:`n  targets:`n    - id: a`n      provider: azure-openai`n      base_ulr: https://r.openai.azure.com`n"
        $result = Test-KtPolicyConfig -Path $file
        $result.IsValid | Should -BeFalse
        ($result.Errors | Where-Object Code -eq 'KT1002').Line | Should -Be 7
        ($result.Errors | Where-Object FieldPath -eq 'providers.targets[0].model').Line | Should -Be 5
    }

    It 'returns booleans with -Quiet' {
        Test-KtPolicyConfig -Path (Join-Path $examples 'quickstart-echo.yaml') -Quiet | Should -BeTrue
    }
}
