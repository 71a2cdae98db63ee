//! The one error type of the core: what went wrong, where (which field, which tranche), and what is allowed.

use std::fmt;

/// Everything the core can fail with.
///
/// Messages are lowercase, have no trailing period, and name the field: `tranches[2].price: must be above 0`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A field's value is malformed or out of its allowed range.
    Invalid {
        /// Path of the field, as the plan file spells it (`entries.tranches[2].price`).
        field: String,
        /// What is wrong and what is allowed (`must be above 0`).
        problem: String,
    },
    /// A computation left the range exact decimals can hold (about ±7.9e28 with 28 digits).
    Overflow {
        /// What was being computed (`tranches[3].averageEntry`).
        context: String,
    },
    /// The plan file declares a format version this build does not read.
    UnsupportedVersion {
        /// The version found in the file.
        found: u32,
    },
}

impl Error {
    /// An [`Error::Invalid`] for `field` saying `problem`.
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), problem: problem.into() }
    }

    /// An [`Error::Overflow`] while computing `context`.
    pub fn overflow(context: impl Into<String>) -> Self {
        Self::Overflow { context: context.into() }
    }

    /// Refuses `text` longer than `limit` bytes as [`Error::Invalid`] on `field`, giving both sizes in MiB and
    /// `then` (what the limit is, or what to do); the one message every text input's size limit uses.
    pub(crate) fn check_text_size(field: &str, text: &str, limit: usize, then: &str) -> Result<(), Self> {
        const MIB: usize = 1024 * 1024;
        if text.len() <= limit {
            return Ok(());
        }
        Err(Self::invalid(
            field,
            format!("is {} MiB of text; at most {} MiB is read{then}", text.len().div_ceil(MIB), limit / MIB),
        ))
    }

    /// The field this error concerns, when it concerns one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::Overflow { context } => Some(context),
            Self::UnsupportedVersion { .. } => Some("version"),
        }
    }

    /// Prefixes the field path with `parent` (`price` becomes `tranches[2].price`).
    #[must_use]
    pub fn within(self, parent: &str) -> Self {
        let join = |inner: String| {
            if inner.is_empty() {
                parent.to_owned()
            } else if inner.starts_with('[') {
                format!("{parent}{inner}")
            } else {
                format!("{parent}.{inner}")
            }
        };
        match self {
            Self::Invalid { field, problem } => Self::Invalid { field: join(field), problem },
            Self::Overflow { context } => Self::Overflow { context: join(context) },
            other => other,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { field, problem } if field.is_empty() => f.write_str(problem),
            Self::Invalid { field, problem } => write!(f, "{field}: {problem}"),
            Self::Overflow { context } => {
                write!(f, "{context}: the numbers are too large to compute exactly; use smaller values")
            }
            Self::UnsupportedVersion { found } => {
                write!(f, "version: {found} is not supported; this build reads version 1")
            }
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
