//! SEC211: Discord bot token found by its shape alone.

use crate::detector::{Check, Detector, Span};
use crate::shape::Shape;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Discord bot token (Discord) anywhere in a text file, even with no `discord` word near it: three base64url segments, the first 24 to 26 characters starting with `M`, `N` or `O` (the encoded user id), a six-character timestamp and an HMAC of 27 to 38 characters. Such tokens have no fixed prefix, so instead of a keyword the scanner looks for two dots seven bytes apart and runs the pattern only there. Its Shannon entropy must be at least 3.5 bits per character.
    /// Placeholders (`xxxx`, `<token>`, `${VAR}`, `{{ .Values.x }}`) are not reported. SEC056 reports the same token when a `discord…token` key names it.
    /// ## Why it matters
    /// A bot token controls the bot in every server it joined: read messages, post as the bot, manage channels and members where it has the permission.
    /// ## Fix
    /// Reset the token in the Discord developer portal (Bot → Reset Token) now: it must be treated as leaked. Remove it from the file and from the repository history (`git filter-repo`), then have the bot read it at run time from a secret store or an environment variable injected by the platform. A test value that must stay can be accepted by its fingerprint in a `[[suppress]]` entry of `palisade.toml`.
    /// ## References
    /// - https://discord.com/developers/docs/reference#authentication
    /// - https://discord.com/developers/docs/topics/oauth2#bots
    pub static RULE = {
        id: "SEC211", practice: Sec, severity: High, title: "Discord bot token (found by shape)",
    };
}

pub(crate) static DETECTOR: Detector = Detector {
    rule: &RULE,
    provider: "Discord",
    keywords: &[],
    pattern: r##"(?P<secret>[MNO][A-Za-z\d_\-]{23,25}\.[A-Za-z\d_\-]{6}\.[A-Za-z\d_\-]{27,38})(?:[^A-Za-z\d_\-]|$)"##,
    min_entropy: 3.5,
    case_sensitive: true,
    check: Check::None,
    span: Span::Shape(Shape::DotSixDot),
};
