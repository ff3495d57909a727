//! The integration tests, in one binary: one link of the crate rather than one per file.

mod util;

mod api;
mod artifact;
mod cli;
mod corpus;
mod hostile;
mod language;
mod properties;
mod scripts;
mod training;
