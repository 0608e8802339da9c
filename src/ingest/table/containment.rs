//! Panic containment: a panic while a file is read on this thread becomes that file's
//! [`TableError::Crashed`], and the application's panic hook prints it as one warning
//! line. Whether a panic is contained is decided by one thread-local alone — the file
//! this thread is reading, set while [`contain`] runs — never by where the panic was
//! raised: one malformed file must never end the whole audit, whichever code it crashed.

use super::error::TableError;
use crate::domain::location::Location;
use std::sync::Arc;

thread_local! {
    /// The file [`contain`] reads on this thread, while it reads it: a panic then
    /// is caught and becomes that file's [`TableError::Crashed`].
    static READING: std::cell::RefCell<Option<Arc<str>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `read` — the reading of `file` — with `file` marked as the one this thread reads,
/// so a panic inside is contained: it is caught and returned as `file`'s
/// [`TableError::Crashed`] (rows handed to the visitor before it stay counted). The mark
/// of an outer read, if any, is restored afterwards.
pub(super) fn contain<T>(
    file: Arc<str>,
    read: impl FnOnce() -> Result<T, TableError>,
) -> Result<T, TableError> {
    let outer = READING.with(|reading| reading.replace(Some(file.clone())));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    READING.with(|reading| reading.replace(outer));
    result.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|text| (*text).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(TableError::Crashed {
            location: Location::file(file),
            message,
        })
    })
}

/// The file this thread is reading, if any.
#[cfg(test)]
pub(super) fn reading() -> Option<Arc<str>> {
    READING.with(|reading| reading.borrow().clone())
}

/// For the application's panic hook: the one warning line about `panic` when this thread
/// is reading a file — a panic [`read_file`](super::read_file) catches and reports as that
/// file's [`TableError::Crashed`], so the raw panic message need not be printed. `None` for any
/// other panic: the hook then defers to the default one.
pub fn contained_panic_warning(panic: &std::panic::PanicHookInfo<'_>) -> Option<String> {
    // No `borrow` that could panic again inside the hook (a panic there aborts).
    let file = READING
        .try_with(|reading| reading.try_borrow().ok().and_then(|file| file.clone()))
        .ok()??;
    let message = panic
        .payload()
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.payload().downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    Some(warning(&file, panic.location(), message))
}

/// The warning line for a contained panic: the file being read, where the panic was
/// raised (file and line, as Rust reports them) and its message.
fn warning(file: &str, location: Option<&std::panic::Location<'_>>, message: &str) -> String {
    let place = location.map_or_else(
        || "an unknown place".to_string(),
        |location| format!("{}:{}", location.file(), location.line()),
    );
    format!(
        "{file}: reading the file panicked at {place}: {message}; the panic is contained: the file is reported as malformed and the audit goes on"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_being_read_is_marked_while_and_only_while_it_is_read() {
        let outer: Arc<str> = Arc::from("outer.csv");
        let inner: Arc<str> = Arc::from("inner.xlsx");
        let seen = contain(outer.clone(), || {
            let nested = contain(inner.clone(), || Ok(reading()));
            Ok((reading(), nested.unwrap()))
        })
        .unwrap();
        assert_eq!(seen, (Some(outer.clone()), Some(inner)));
        assert_eq!(reading(), None);
    }

    #[test]
    fn a_panic_while_a_file_is_read_becomes_that_files_error() {
        let file: Arc<str> = Arc::from("bill.xlsx");
        let result: Result<(), TableError> = contain(file, || panic!("index out of bounds"));
        let Err(TableError::Crashed { location, message }) = result else {
            panic!("expected a crash, got {result:?}");
        };
        assert_eq!(
            (location.to_string(), message.as_str()),
            ("bill.xlsx".into(), "index out of bounds")
        );
        assert_eq!(reading(), None);
    }

    #[test]
    fn the_warning_names_the_file_the_place_and_the_message() {
        let place = std::panic::Location::caller();
        assert_eq!(
            warning(
                "bill.xlsx",
                Some(place),
                "attempt to multiply with overflow"
            ),
            format!(
                "bill.xlsx: reading the file panicked at {}:{}: attempt to multiply with overflow; the panic is contained: the file is reported as malformed and the audit goes on",
                place.file(),
                place.line()
            )
        );
    }
}
