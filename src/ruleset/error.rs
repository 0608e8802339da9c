//! Why a ruleset file cannot be used.

/// A ruleset file that cannot be used; the audit does not start.
#[derive(Debug, thiserror::Error)]
pub enum RulesetError {
    /// The folder or a file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not valid TOML or has unknown keys.
    #[error("{path}: {message}")]
    Syntax {
        /// The path.
        path: String,
        /// The TOML parser's message.
        message: String,
    },
    /// A value is out of range or inconsistent.
    #[error("{path}: {key}: {message}")]
    Invalid {
        /// The path.
        path: String,
        /// The offending key.
        key: String,
        /// What is wrong.
        message: String,
    },
}
