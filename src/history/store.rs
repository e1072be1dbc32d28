//! Where a history's files live: a local folder, or a prefix in a bucket (`s3://`, `gs://`,
//! `az://`, through the same crate and settings as the inputs). Both are written the same way:
//! a file appears whole or not at all (a local file is written aside and renamed; an object
//! PUT is atomic), so a killed writer leaves at most an unlisted leftover.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use futures_util::TryStreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload};

use crate::ingest::is_object_url;
use crate::ingest::remote::{Bucket, describe_error, open_bucket};

/// Suffix of a local file being written; listings never show one.
const PARTIAL: &str = ".partial";

/// A history's files.
pub struct Store {
    /// The folder or URL, as the user gave it.
    pub location: String,
    backend: Backend,
}

enum Backend {
    Local(PathBuf),
    Remote(Bucket),
}

/// Why the store could not be used, naming the file.
#[derive(Debug, thiserror::Error)]
#[error("history store {location}: {what}")]
pub struct StoreError {
    pub location: String,
    pub what: String,
}

/// A listed file: its key under the store's root and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub key: String,
    pub size: u64,
    /// Seconds since it was last written, when known.
    pub age_secs: Option<u64>,
}

/// An exclusive hold on a local store for one writing command; released when dropped (and by
/// the OS when the process dies).
pub struct Lock {
    _file: Option<File>,
}

impl Store {
    /// The store at `location`: a URL of object storage, or a local folder (created when
    /// first written).
    pub fn open(location: &str) -> Result<Store, StoreError> {
        let backend = if is_object_url(location) {
            Backend::Remote(open_bucket(location).map_err(|err| StoreError {
                location: location.to_string(),
                what: err.to_string(),
            })?)
        } else {
            Backend::Local(PathBuf::from(location))
        };
        Ok(Store {
            location: location.to_string(),
            backend,
        })
    }

    /// The local folder, for a store on this machine.
    pub fn local_root(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Local(root) => Some(root),
            Backend::Remote(_) => None,
        }
    }

    fn error(&self, key: &str, what: impl std::fmt::Display) -> StoreError {
        StoreError {
            location: self.location.clone(),
            what: if key.is_empty() {
                what.to_string()
            } else {
                format!("{key}: {what}")
            },
        }
    }

    fn object(bucket: &Bucket, key: &str) -> ObjectPath {
        bucket
            .prefix
            .parts()
            .chain(ObjectPath::from(key).parts())
            .collect()
    }

    /// The files under `dir` (a key prefix ending in `/`), sorted by key; a missing folder
    /// lists nothing.
    pub fn list(&self, dir: &str) -> Result<Vec<Listed>, StoreError> {
        let mut out = match &self.backend {
            Backend::Local(root) => {
                let mut out = Vec::new();
                let base = root.join(dir);
                if base.is_dir() {
                    for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
                        let entry = entry.map_err(|err| self.error(dir, err))?;
                        if !entry.file_type().is_file() {
                            continue;
                        }
                        let relative = entry
                            .path()
                            .strip_prefix(root)
                            .map_err(|err| self.error(dir, err))?;
                        let key = relative
                            .components()
                            .map(|c| c.as_os_str().to_string_lossy())
                            .collect::<Vec<_>>()
                            .join("/");
                        if key.ends_with(PARTIAL) {
                            continue;
                        }
                        let meta = entry.metadata().map_err(|err| self.error(&key, err))?;
                        let age_secs = meta
                            .modified()
                            .ok()
                            .and_then(|t| t.elapsed().ok())
                            .map(|d| d.as_secs());
                        out.push(Listed {
                            key,
                            size: meta.len(),
                            age_secs,
                        });
                    }
                }
                out
            }
            Backend::Remote(bucket) => {
                let prefix = Store::object(bucket, dir);
                let skip = bucket.prefix.parts().count();
                bucket
                    .runtime
                    .block_on(async {
                        let listing = bucket.store.list(Some(&prefix));
                        listing.try_collect::<Vec<_>>().await
                    })
                    .map_err(|err| self.error(dir, describe_error(&err)))?
                    .into_iter()
                    .map(|meta| Listed {
                        key: meta
                            .location
                            .parts()
                            .skip(skip)
                            .map(|part| part.as_ref().to_string())
                            .collect::<Vec<_>>()
                            .join("/"),
                        size: meta.size,
                        age_secs: u64::try_from(
                            (chrono::Utc::now() - meta.last_modified).num_seconds(),
                        )
                        .ok(),
                    })
                    .collect()
            }
        };
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    /// The whole content of `key`; `None` when it does not exist.
    pub fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match &self.backend {
            Backend::Local(root) => match fs::read(root.join(key)) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(err) => Err(self.error(key, err)),
            },
            Backend::Remote(bucket) => {
                let path = Store::object(bucket, key);
                let got = bucket.runtime.block_on(async {
                    match bucket.store.get(&path).await {
                        Ok(result) => result.bytes().await.map(Some),
                        Err(object_store::Error::NotFound { .. }) => Ok(None),
                        Err(err) => Err(err),
                    }
                });
                got.map(|bytes| bytes.map(|b| b.to_vec()))
                    .map_err(|err| self.error(key, describe_error(&err)))
            }
        }
    }

    /// Writes `key` whole: readers see the old content, or none, until it is complete. With
    /// `create_only`, an existing `key` is left alone and `false` is returned.
    pub fn put(&self, key: &str, bytes: Vec<u8>, create_only: bool) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Local(root) => {
                let path = root.join(key);
                let parent = path.parent().unwrap_or(root);
                fs::create_dir_all(parent).map_err(|err| self.error(key, err))?;
                let aside = path.with_file_name(format!(
                    "{}.{}{PARTIAL}",
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    std::process::id()
                ));
                let written = File::create(&aside)
                    .and_then(|mut file| file.write_all(&bytes).and_then(|()| file.sync_all()));
                if let Err(err) = written {
                    let _ = fs::remove_file(&aside);
                    return Err(self.error(key, err));
                }
                if create_only {
                    // A hard link fails when the name exists: only one writer creates it.
                    let linked = fs::hard_link(&aside, &path);
                    let _ = fs::remove_file(&aside);
                    return match linked {
                        Ok(()) => Ok(true),
                        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(false),
                        Err(err) => Err(self.error(key, err)),
                    };
                }
                fs::rename(&aside, &path).map_err(|err| self.error(key, err))?;
                Ok(true)
            }
            Backend::Remote(bucket) => {
                let path = Store::object(bucket, key);
                let options = PutOptions {
                    mode: if create_only {
                        PutMode::Create
                    } else {
                        PutMode::Overwrite
                    },
                    ..PutOptions::default()
                };
                let put = bucket.runtime.block_on(bucket.store.put_opts(
                    &path,
                    PutPayload::from(bytes),
                    options,
                ));
                match put {
                    Ok(_) => Ok(true),
                    Err(object_store::Error::AlreadyExists { .. }) if create_only => Ok(false),
                    Err(err) => Err(self.error(key, describe_error(&err))),
                }
            }
        }
    }

    /// Removes `key`; a missing one is not an error.
    pub fn delete(&self, key: &str) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Local(root) => match fs::remove_file(root.join(key)) {
                Err(err) if err.kind() != io::ErrorKind::NotFound => Err(self.error(key, err)),
                _ => Ok(()),
            },
            Backend::Remote(bucket) => {
                let path = Store::object(bucket, key);
                match bucket.runtime.block_on(bucket.store.delete(&path)) {
                    Err(err) if !matches!(err, object_store::Error::NotFound { .. }) => {
                        Err(self.error(key, describe_error(&err)))
                    }
                    _ => Ok(()),
                }
            }
        }
    }

    /// Holds the store for one writing command. On a local store two writers take turns (a
    /// file lock); a bucket has no lock, and writers never overwrite each other's files.
    pub fn lock(&self) -> Result<Lock, StoreError> {
        match &self.backend {
            Backend::Local(root) => {
                fs::create_dir_all(root).map_err(|err| self.error("", err))?;
                let file = File::options()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(root.join("lock"))
                    .map_err(|err| self.error("lock", err))?;
                file.lock().map_err(|err| self.error("lock", err))?;
                Ok(Lock { _file: Some(file) })
            }
            Backend::Remote(_) => Ok(Lock { _file: None }),
        }
    }

    /// Removes local leftovers of killed writers (files written aside and never renamed).
    pub fn sweep_leftovers(&self) -> usize {
        let Some(root) = self.local_root() else {
            return 0;
        };
        walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(PARTIAL))
            .filter(|entry| fs::remove_file(entry.path()).is_ok())
            .count()
    }
}
