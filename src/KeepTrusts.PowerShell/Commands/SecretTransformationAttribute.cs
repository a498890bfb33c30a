using System.Management.Automation;
using System.Security;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Lets a SecureString parameter take a plain string too (-ApiKey sk-... or -ApiKey (Read-Host -AsSecureString)).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class SecretTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        if (value is string text)
        {
            var secure = new SecureString();
            foreach (var c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        return value;
    }
}
