@{
    # The build stamps ModuleVersion from Directory.Build.props (VersionPrefix) into out/KeepTrusts/KeepTrusts.psd1.
    RootModule           = 'KeepTrusts.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5d2c1a7e-8f4b-4e8e-9a61-3c0f4f6b2d19'
    Author               = 'KeepTrusts'
    CompanyName          = 'KeepTrusts'
    Copyright            = '(c) 2026 KeepTrusts. MIT License.'
    Description          = 'Azure OpenAI behind private networking and a policy gateway: an OpenAI-compatible gateway with a policy chain (prompt injection, PII, safety, audit), policy-checked chat, and private-endpoint diagnostics and repair.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('KeepTrusts.Format.ps1xml')
    TypesToProcess       = @('KeepTrusts.Types.ps1xml')
    # Online help: Get-Help -Online opens each cmdlet's HelpUri (docs/cmdlets.md); this is where Update-Help would look.
    HelpInfoUri          = 'https://github.com/keeptrusts/keeptrusts/tree/main/docs'

    # Explicit lists: one name per line, sorted, so parallel work adds lines without conflicts.
    CmdletsToExport      = @(
        'Get-KtAuditLog'
        'Get-KtGateway'
        'Get-KtGatewayKey'
        'Invoke-KtChat'
        'Measure-KtPolicy'
        'New-KtGatewayKey'
        'Remove-KtGatewayKey'
        'Repair-KtDnsZoneLink'
        'Start-KtGateway'
        'Stop-KtGateway'
        'Test-KtAuditLog'
        'Test-KtPolicyConfig'
        'Test-KtPrivateEndpoint'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()

    PrivateData          = @{
        PSData = @{
            Tags         = @('Azure', 'AzureOpenAI', 'OpenAI', 'Gateway', 'PrivateEndpoint', 'PrivateLink', 'DNS', 'PII', 'PromptInjection', 'Audit', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://github.com/keeptrusts/keeptrusts/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/keeptrusts/keeptrusts'
            ReleaseNotes = 'https://github.com/keeptrusts/keeptrusts/blob/main/CHANGELOG.md'
        }
    }
}
