//! The files a run reads, remembered so that no output overwrites one of them: `-o in.jsonl
//! in.jsonl` would truncate the log before it is read. Files are told apart by device and
//! inode (on Unix; by canonical path elsewhere), so a hard link, a symlink or `./x` for `x` is
//! the same file.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, bail};

/// Identity of a file on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FileId {
    #[cfg(unix)]
    Inode { device: u64, inode: u64 },
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

fn file_id(path: &Path) -> Option<FileId> {
    let metadata = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(FileId::Inode {
            device: metadata.dev(),
            inode: metadata.ino(),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        path.canonicalize().ok().map(FileId::Path)
    }
}

/// Every input of this process, by path: logs found, partials, labels, configuration files.
/// Files are compared only when an output path already exists, so a walk of many files costs
/// no system call here.
static INPUTS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Remembers `path` as an input.
pub fn note_input(path: &Path) {
    let mut inputs = INPUTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    inputs.push(path.to_path_buf());
}

/// Fails when `path` is a file this run reads: writing it would destroy its input.
pub fn refuse_input(path: &Path) -> anyhow::Result<()> {
    // A file that does not exist yet is no input.
    let Some(id) = file_id(path) else {
        return Ok(());
    };
    let inputs = INPUTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(input) = inputs
        .iter()
        .find(|input| file_id(input).as_ref() == Some(&id))
    {
        bail!(
            "{}: refusing to write an output over an input ({}); choose another path",
            path.display(),
            input.display()
        );
    }
    Ok(())
}

/// Reads a whole text input (a configuration or label file), remembering it as an input.
pub fn read_input_text(path: &Path) -> anyhow::Result<String> {
    note_input(path);
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_cannot_be_an_output_by_any_name() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("in.jsonl");
        std::fs::write(&log, "{}\n").unwrap();
        let other = dir.path().join("other.json");
        std::fs::write(&other, "{}\n").unwrap();
        note_input(&log);
        assert!(refuse_input(&log).is_err());
        assert!(refuse_input(&dir.path().join(".").join("in.jsonl")).is_err());
        #[cfg(unix)]
        {
            let link = dir.path().join("link.jsonl");
            std::os::unix::fs::symlink(&log, &link).unwrap();
            assert!(refuse_input(&link).is_err());
            let hard = dir.path().join("hard.jsonl");
            std::fs::hard_link(&log, &hard).unwrap();
            assert!(refuse_input(&hard).is_err());
        }
        assert!(refuse_input(&other).is_ok());
        assert!(refuse_input(&dir.path().join("new.json")).is_ok());
        // The file on disk is untouched.
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "{}\n");
    }
}
