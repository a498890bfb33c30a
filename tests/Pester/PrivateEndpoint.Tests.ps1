#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Pester 5 specs for the private-endpoint cmdlets (machines with pwsh; run `dotnet build` first).
# The behaviour against real local fakes (ARM, dnsmasq, TLS) is covered by tests/Unit/KeepTrusts.Module.Tests.

BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
    Import-Module (Join-Path $repo 'out/KeepTrusts/KeepTrusts.psd1') -Force
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'Test-KtPrivateEndpoint' -Tag 'UnitTests' {
    It 'has exactly the expected parameters' {
        (Get-Command Test-KtPrivateEndpoint).Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object |
            Should -Be @('AccessToken', 'AccountResourceId', 'AppServiceResourceId', 'ArmEndpoint', 'DnsServer', 'Endpoint', 'Port', 'ResourceGroupName', 'SkipCertificateCheck', 'SubscriptionId', 'Summary', 'ThrottleLimit', 'VirtualNetworkId')
    }

    It 'binds the resource ids from the pipeline by property name' {
        foreach ($name in 'Endpoint', 'AccountResourceId', 'AppServiceResourceId', 'VirtualNetworkId') {
            (Get-Command Test-KtPrivateEndpoint).Parameters[$name].Attributes.ValueFromPipelineByPropertyName | Should -Contain $true
        }
    }

    It 'refuses an IP address as the endpoint with the reason' {
        $result = Test-KtPrivateEndpoint -Endpoint https://10.1.2.4/ -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'KtInvalidArgument,*'
        $err[0].Exception.Message | Should -BeLike '*FQDN*'
    }
}

Describe 'Repair-KtDnsZoneLink' -Tag 'UnitTests' {
    It 'has exactly the expected parameters' {
        (Get-Command Repair-KtDnsZoneLink).Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object |
            Should -Be @('AccessToken', 'ArmEndpoint', 'FixStaleRecord', 'Force', 'PrivateEndpointId', 'SkipCertificateCheck', 'VirtualNetworkId', 'ZoneName', 'ZoneResourceGroupId')
    }

    It 'supports -WhatIf and -Confirm' {
        (Get-Command Repair-KtDnsZoneLink).Parameters.Keys | Should -Contain 'WhatIf'
        (Get-Command Repair-KtDnsZoneLink).Parameters.Keys | Should -Contain 'Confirm'
    }

    It 'rejects an id of the wrong type before calling Azure' {
        Repair-KtDnsZoneLink -PrivateEndpointId '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v' `
            -VirtualNetworkId '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v' `
            -AccessToken (ConvertTo-SecureString 'x' -AsPlainText -Force) -WhatIf -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'KtInvalidArgument,*'
        $err[0].Exception.Message | Should -BeLike '*Microsoft.Network/privateEndpoints*'
    }
}
