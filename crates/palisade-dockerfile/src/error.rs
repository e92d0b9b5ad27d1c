//! Why a Dockerfile could not be read.

/// A Dockerfile that could not be parsed; the line is 1-based where known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("line {line}: {message}")]
    Syntax { line: u32, message: String },
    #[error("no FROM instruction: not a buildable Dockerfile")]
    NoFrom,
    #[error("file is {size} bytes, more than the {limit}-byte limit for a Dockerfile")]
    TooLarge { size: usize, limit: usize },
}

impl ParseError {
    /// The line the error is about, when known.
    pub fn line(&self) -> Option<u32> {
        match self {
            ParseError::Syntax { line, .. } => Some(*line),
            _ => None,
        }
    }
}
