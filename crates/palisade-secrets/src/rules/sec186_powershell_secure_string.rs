//! SEC186: Plain-text secret converted with ConvertTo-SecureString.

use crate::detector::{Check, Detector, Span};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A literal string given to PowerShell's `ConvertTo-SecureString` (usually with `-AsPlainText -Force`) in any text file, looked for only near the keyword `ConvertTo-SecureString`. Variables (`$env:PW`, `$pw`) and placeholders are not reported.
    /// ## Why it matters
    /// `ConvertTo-SecureString -AsPlainText` only wraps a secret that is already written in the script in clear text: anyone who reads the script has it.
    /// ## Fix
    /// Rotate the credential now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the application read it at run time from a secret store (HashiCorp Vault, AWS Secrets Manager, External Secrets, Sealed Secrets) or from an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`. In PowerShell read it with `Get-Secret` (SecretManagement), `Read-Host -AsSecureString` or from an encrypted credential file.
    /// ## References
    /// - https://learn.microsoft.com/powershell/module/microsoft.powershell.security/convertto-securestring
    pub static RULE = {
        id: "SEC186", practice: Sec, severity: High, title: "Plain-text secret converted with ConvertTo-SecureString",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "PowerShell",
    keywords: &["convertto-securestring"],
    pattern: r##"(?i)convertto-securestring(?:\s+-(?:string|asplaintext|force|key)\b(?::\$\w+)?)*\s+(?:\\?'(?P<secret>[^'\s]{4,200})\\?'|\\?"([^"\s\\]{4,200})\\?"|([^\s'"$(`|;\\-][^\s'"`|;\\]{3,200}))"##,
    min_entropy: 0.0,
    case_sensitive: false,
    check: Check::UrlPassword,
    span: Span::Line,
};
