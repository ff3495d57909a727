//! Which inputs a run reads (this process's share of them), and the outputs it may not write
//! over them.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::read::stream::{InputFile, list_inputs};

/// This share of the inputs: the files, and the listing errors (directories that cannot be
/// read) that fall to it.
pub fn select_inputs(
    paths: &[PathBuf],
    rank: usize,
    world_size: usize,
) -> (Vec<InputFile>, Vec<Error>) {
    let world_size = world_size.max(1);
    let (mut files, mut errors) = (Vec::new(), Vec::new());
    for (i, f) in list_inputs(paths).into_iter().enumerate() {
        if i % world_size != rank {
            continue;
        }
        match f {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    (files, errors)
}

/// Refuses an output (`what`, at `path`: an output directory, a rejects file, an index file)
/// that is one of the inputs `paths` or inside an input directory: outputs would replace their
/// inputs, or be read as inputs by a rerun (and by ranks that list the inputs after others
/// wrote there).
///
/// # Errors
/// [`Error::Input`] naming `what`, `path` and the input.
pub fn check_outside_inputs(paths: &[PathBuf], what: &str, path: &Path) -> Result<()> {
    let out = resolved(path);
    for p in paths.iter().filter(|p| p.as_os_str() != "-") {
        if p.canonicalize().is_ok_and(|input| out.starts_with(input)) {
            return Err(Error::input(
                what,
                format!(
                    "{} is the input {} or inside it: a rerun would read the outputs as \
                     inputs; write them elsewhere",
                    path.display(),
                    p.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Checks that writing `path` (by renaming a new file onto it) replaces nothing but a regular
/// file: a symbolic link, device, FIFO or directory there is refused, not replaced.
///
/// # Errors
/// [`Error::Input`] for `what` (the flag), naming what is there.
pub fn check_replaceable(what: &str, path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => Err(Error::input(
            what,
            format!(
                "{} is {}: only a regular file is replaced; name a new or regular file",
                path.display(),
                crate::read::file_kind(&m)
            ),
        )),
        _ => Ok(()),
    }
}

/// `path` with its longest existing prefix resolved (symbolic links, `.` and `..`), and the
/// rest as written.
fn resolved(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut at = path;
    loop {
        if let Ok(mut real) = at.canonicalize() {
            real.extend(rest.iter().rev());
            return real;
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                at = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
            }
            _ => return std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
        }
    }
}

/// Whether `a` and `b` both exist and are the same file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

pub(super) fn file_name(files: &[InputFile], i: usize) -> String {
    files[i].path.display().to_string()
}
