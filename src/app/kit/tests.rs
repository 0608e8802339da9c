//! The kit's plan against the readers' lists.
