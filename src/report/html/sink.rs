//! Where report.html goes as it is rendered.

/// The page as it is written: markup gathers in `out` and goes to the writer every
/// [`Sink::SPILL`] bytes, so a large audit's page is never held whole.
pub(super) struct Sink<'w> {
    pub(super) out: String,
    pub(super) writer: &'w mut dyn std::io::Write,
}

impl Sink<'_> {
    pub(super) const SPILL: usize = 1 << 16;

    /// Writes what has gathered once it is [`Sink::SPILL`] bytes or more.
    pub(super) fn spill(&mut self) -> std::io::Result<()> {
        if self.out.len() >= Self::SPILL {
            self.writer.write_all(self.out.as_bytes())?;
            self.out.clear();
        }
        Ok(())
    }

    pub(super) fn finish(self) -> std::io::Result<()> {
        self.writer.write_all(self.out.as_bytes())?;
        self.writer.flush()
    }
}
