//! Standard output, written in one place: a reader that closed the pipe early
//! (`rebate-audit inspect bill.csv | head -1`) has all it wanted, so that is not an error —
//! the command ends with the status it would have had, and a run's reports, committed
//! before its summary line is printed, stay committed. Any other failure to write is.

use crate::app::RunError;
use std::io::{self, Write};

/// Writes `text` to standard output and flushes it; a closed pipe is success.
///
/// # Errors
/// When standard output cannot be written for another reason (a full disk behind a
/// redirection).
pub fn print(text: &str) -> Result<(), RunError> {
    quiet_on_closed_pipe(write_flushed(&mut io::stdout().lock(), text))
}

fn write_flushed(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// A closed pipe ends the output quietly; any other error is the command's.
fn quiet_on_closed_pipe(result: io::Result<()>) -> Result<(), RunError> {
    match result {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => Err(RunError::Stdout(error)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_is_success_and_other_errors_are_not() {
        assert!(quiet_on_closed_pipe(Ok(())).is_ok());
        assert!(quiet_on_closed_pipe(Err(io::ErrorKind::BrokenPipe.into())).is_ok());
        let error = quiet_on_closed_pipe(Err(io::Error::other("disk full"))).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot write to standard output: disk full"
        );
    }
}
