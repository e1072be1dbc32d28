//! Inputs in object storage: `s3://`, `gs://` and `az://` URLs, read through the Apache Arrow
//! project's `object_store` crate. A URL names one object or a prefix listed recursively; an
//! object is streamed in ranged GETs of a few MiB, a bounded number ahead of the reader, so a
//! large object never sits whole in memory and no single request outlives its timeout.
//!
//! Credentials and endpoints come from the environment each store's builder reads
//! (`AWS_*`, `GOOGLE_*`, `AZURE_*`); only the stores the URLs name are contacted (and, when no
//! keys are set, the cloud's instance-metadata endpoint the crate asks for credentials).

use std::io::{self, Read};
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey};
use object_store::path::Path as ObjectPath;
use object_store::{
    BackoffConfig, ClientConfigKey, GetOptions, ObjectMeta, ObjectStore, ObjectStoreExt,
    RetryConfig,
};
use tokio::sync::mpsc;

use super::log_file::{SourceError, is_log_file};

/// Bytes asked for in one ranged GET: large enough that request latency is a small share of
/// the transfer, small enough that one request finishes well inside [`REQUEST_TIMEOUT`] on a
/// slow link (4 MiB in 30 s is 140 KB/s).
const CHUNK_BYTES: u64 = 4 * 1024 * 1024;

/// Ranged GETs in flight at once per object, so the next chunk arrives while one is parsed.
const REQUESTS_AHEAD: usize = 2;

/// Fetched chunks waiting for the reader. An open object holds at most the requests in
/// flight, the chunk waiting to be queued, the queued ones and the one being read:
/// (2 + 1 + 1 + 1) × 4 MiB = 20 MiB.
const CHUNKS_QUEUED: usize = 1;

/// How long establishing a connection may take before the attempt fails.
const CONNECT_TIMEOUT: &str = "5s";

/// How long one request may take, connection to last body byte.
const REQUEST_TIMEOUT: &str = "30s";

/// Retries of a failed request (5xx, connection errors, timeouts) and the time they may take:
/// an unreachable endpoint fails in well under a minute instead of the crate's default of ten
/// retries over three minutes.
fn retry_config() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig::default(),
        max_retries: 3,
        retry_timeout: Duration::from_secs(30),
    }
}

/// The URL schemes read as object storage, per cloud.
const AWS_SCHEMES: &[&str] = &["s3", "s3a"];
const GCP_SCHEMES: &[&str] = &["gs"];
const AZURE_SCHEMES: &[&str] = &["az", "azure", "abfs", "abfss"];

/// The cloud whose API a URL's store speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cloud {
    Aws,
    Gcp,
    Azure,
}

/// A URL split into its store (`scheme://bucket`) and the key or prefix inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ObjectUrl<'u> {
    cloud: Cloud,
    /// `scheme://authority`, without a trailing slash: what object URLs are built from.
    store: &'u str,
    /// Everything after the authority's `/`, possibly empty or ending in `/`.
    key: &'u str,
}

impl<'u> ObjectUrl<'u> {
    /// Splits `url` if its scheme is one of the object-storage schemes and it names a bucket.
    fn parse(url: &'u str) -> Option<ObjectUrl<'u>> {
        let (scheme, rest) = url.split_once("://")?;
        let cloud = cloud_of(scheme)?;
        let (authority, key) = rest.split_once('/').unwrap_or((rest, ""));
        if authority.is_empty() {
            return None;
        }
        let store = &url[..scheme.len() + 3 + authority.len()];
        Some(ObjectUrl { cloud, store, key })
    }

    /// Whether the URL can only mean a prefix: the bucket itself, or a key ending in `/`.
    fn is_prefix(&self) -> bool {
        self.key.is_empty() || self.key.ends_with('/')
    }
}

/// The cloud a URL scheme belongs to, if it is an object-storage scheme.
fn cloud_of(scheme: &str) -> Option<Cloud> {
    if AWS_SCHEMES.contains(&scheme) {
        Some(Cloud::Aws)
    } else if GCP_SCHEMES.contains(&scheme) {
        Some(Cloud::Gcp)
    } else if AZURE_SCHEMES.contains(&scheme) {
        Some(Cloud::Azure)
    } else {
        None
    }
}

/// Whether a command-line input is an object-storage URL rather than a local path.
pub fn is_object_url(input: &str) -> bool {
    input
        .split_once("://")
        .is_some_and(|(scheme, _)| cloud_of(scheme).is_some())
}

/// One object in a bucket: what discovery found and `open_source` streams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteObject {
    /// The object's URL: as given on the command line, or the listed store and key.
    pub url: String,
    /// Size in bytes, from the listing or a HEAD request.
    pub size: u64,
    /// The version discovery saw; every ranged read asks for it (`If-Match`), so an object
    /// rewritten mid-read fails instead of mixing two versions.
    pub e_tag: Option<String>,
}

/// A source error naming `url`.
fn remote_error(url: &str, reason: impl Into<String>) -> SourceError {
    SourceError::Remote {
        url: url.to_string(),
        reason: reason.into(),
    }
}

/// Link-local addresses where cloud VMs and containers serve credentials (AWS, GCP and Azure
/// instance metadata; AWS ECS task credentials).
const INSTANCE_METADATA_HOSTS: &[&str] = &["169.254.169.254", "169.254.170.2"];

/// The error code in an S3-style XML error body quoted in a message (`<Code>NoSuchBucket</Code>`).
fn xml_error_code(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("<Code>")?;
    rest.split_once("</Code>").map(|(code, _)| code)
}

/// Says what went wrong in words a user can act on, with the store's own message after.
fn describe(err: &object_store::Error) -> String {
    let message = err.to_string();
    let denied = "access denied; check the credentials in the environment";
    let summary = match err {
        object_store::Error::NotFound { .. } => "no such bucket or object",
        object_store::Error::PermissionDenied { .. }
        | object_store::Error::Unauthenticated { .. } => denied,
        // Without keys in the environment the crate asks the cloud's link-local metadata
        // endpoint; off the cloud that fails with a message about that address alone.
        _ if INSTANCE_METADATA_HOSTS
            .iter()
            .any(|host| message.contains(host)) =>
        {
            "no credentials: none in the environment, and no cloud instance metadata endpoint \
             gave any"
        }
        _ => match xml_error_code(&message) {
            Some("NoSuchBucket" | "ContainerNotFound") => "no such bucket",
            Some(
                "AccessDenied"
                | "InvalidAccessKeyId"
                | "SignatureDoesNotMatch"
                | "AuthenticationFailed"
                | "AuthorizationFailure",
            ) => denied,
            _ => return message,
        },
    };
    format!("{summary} ({message})")
}

/// Builds the store a URL names, configured from the environment, with bounded timeouts.
fn build_store(url: &ObjectUrl<'_>) -> object_store::Result<Arc<dyn ObjectStore>> {
    let connect = ClientConfigKey::ConnectTimeout;
    let request = ClientConfigKey::Timeout;
    Ok(match url.cloud {
        Cloud::Aws => Arc::new(
            AmazonS3Builder::from_env()
                .with_url(url.store)
                .with_config(AmazonS3ConfigKey::Client(connect), CONNECT_TIMEOUT)
                .with_config(AmazonS3ConfigKey::Client(request), REQUEST_TIMEOUT)
                .with_retry(retry_config())
                .build()?,
        ),
        Cloud::Gcp => Arc::new(
            GoogleCloudStorageBuilder::from_env()
                .with_url(url.store)
                .with_config(GoogleConfigKey::Client(connect), CONNECT_TIMEOUT)
                .with_config(GoogleConfigKey::Client(request), REQUEST_TIMEOUT)
                .with_retry(retry_config())
                .build()?,
        ),
        Cloud::Azure => Arc::new(
            MicrosoftAzureBuilder::from_env()
                .with_url(url.store)
                .with_config(AzureConfigKey::Client(connect), CONNECT_TIMEOUT)
                .with_config(AzureConfigKey::Client(request), REQUEST_TIMEOUT)
                .with_retry(retry_config())
                .build()?,
        ),
    })
}

/// A bucket and a key prefix in it, opened from a URL, with a runtime to drive its requests
/// from blocking code: where a history kept in object storage lives.
pub(crate) struct Bucket {
    pub store: Arc<dyn ObjectStore>,
    pub prefix: ObjectPath,
    pub runtime: tokio::runtime::Runtime,
}

/// Opens the bucket and prefix `url` names, configured as the inputs' stores are.
pub(crate) fn open_bucket(url: &str) -> Result<Bucket, SourceError> {
    let parsed = ObjectUrl::parse(url)
        .ok_or_else(|| remote_error(url, "not an object-storage URL (scheme://bucket/key)"))?;
    let prefix = ObjectPath::parse(parsed.key)
        .map_err(|err| remote_error(url, format!("not a valid object key: {err}")))?;
    let store = build_store(&parsed)
        .map_err(|err| remote_error(url, format!("cannot configure the store: {err}")))?;
    let runtime = runtime().map_err(|err| remote_error(url, err.to_string()))?;
    Ok(Bucket {
        store,
        prefix,
        runtime,
    })
}

/// An object-store error in words a user can act on.
pub(crate) fn describe_error(err: &object_store::Error) -> String {
    describe(err)
}

/// A single-threaded runtime to drive one store's requests from blocking code.
fn runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Expands one object-storage URL into the objects to read: the object it names, or the log
/// files under the prefix it names (recursively, sorted by key, as a directory walk is).
/// A URL ending in `/` is always a prefix, and one with no log files under it yields nothing,
/// like an empty directory; any other URL must name an object or a non-empty prefix.
pub fn discover(url: &str) -> Result<Vec<RemoteObject>, SourceError> {
    let Bucket {
        store,
        prefix: key,
        runtime,
    } = open_bucket(url)?;
    let parsed = ObjectUrl::parse(url).expect("open_bucket parsed it");
    runtime.block_on(async {
        if !parsed.is_prefix() {
            match store.head(&key).await {
                Ok(meta) => {
                    return Ok(vec![RemoteObject {
                        url: url.to_string(),
                        size: meta.size,
                        e_tag: meta.e_tag,
                    }]);
                }
                Err(object_store::Error::NotFound { .. }) => {}
                Err(err) => return Err(remote_error(url, describe(&err))),
            }
        }
        let prefix = (!key.as_ref().is_empty()).then_some(&key);
        let mut listing = store.list(prefix);
        let mut listed: Vec<ObjectMeta> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while let Some(meta) = listing
            .try_next()
            .await
            .map_err(|err| remote_error(url, format!("cannot list: {}", describe(&err))))?
        {
            // A store that hands back a page it gave before (a repeated continuation token)
            // would list forever.
            if !seen.insert(meta.location.clone()) {
                return Err(remote_error(
                    url,
                    format!(
                        "the listing repeats `{}`: the store's pagination loops",
                        meta.location
                    ),
                ));
            }
            listed.push(meta);
        }
        if listed.is_empty() && !parsed.is_prefix() {
            return Err(remote_error(url, "no such object, and no objects under it"));
        }
        let mut objects: Vec<RemoteObject> = listed
            .into_iter()
            .filter(|meta| is_log_file(std::path::Path::new(meta.location.as_ref())))
            .map(|meta| RemoteObject {
                url: format!("{}/{}", parsed.store, meta.location),
                size: meta.size,
                e_tag: meta.e_tag,
            })
            .collect();
        objects.sort_by(|a, b| a.url.cmp(&b.url));
        Ok(objects)
    })
}

/// Opens an object as a byte stream. A background thread fetches it in ranged GETs, a few
/// chunks ahead of the reader and no more; errors reach the reader as `io::Error`s naming the
/// URL.
pub fn open(object: &RemoteObject) -> io::Result<RemoteReader> {
    let parsed = ObjectUrl::parse(&object.url)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not an object-storage URL"))?;
    let key = ObjectPath::parse(parsed.key)
        .map_err(|err| io::Error::new(io::ErrorKind::InvalidInput, err))?;
    let store = build_store(&parsed).map_err(io::Error::other)?;
    spawn_reader(store, key, object.clone(), CHUNK_BYTES)
}

/// The byte ranges of an object of `size` bytes, `chunk` bytes each (the last one shorter).
fn chunk_ranges(size: u64, chunk: u64) -> impl Iterator<Item = Range<u64>> {
    (0..size.div_ceil(chunk)).map(move |index| index * chunk..size.min((index + 1) * chunk))
}

/// Starts the fetching thread for `object` (at `key` in `store`) and returns its reader.
fn spawn_reader(
    store: Arc<dyn ObjectStore>,
    key: ObjectPath,
    object: RemoteObject,
    chunk: u64,
) -> io::Result<RemoteReader> {
    let (sender, receiver) = mpsc::channel(CHUNKS_QUEUED);
    let reader = RemoteReader {
        url: object.url.clone(),
        expected: object.size,
        received: 0,
        current: Bytes::new(),
        receiver,
    };
    std::thread::Builder::new()
        .name("object-store".into())
        .spawn(move || {
            let runtime = match runtime() {
                Ok(runtime) => runtime,
                Err(err) => {
                    let _ = sender.blocking_send(Err(err));
                    return;
                }
            };
            runtime.block_on(fetch(store, key, object, chunk, sender));
        })?;
    Ok(reader)
}

/// Fetches the object's ranges in order, [`REQUESTS_AHEAD`] at a time, and sends each to the
/// reader; stops at the first error (after sending it) or when the reader has gone.
async fn fetch(
    store: Arc<dyn ObjectStore>,
    key: ObjectPath,
    object: RemoteObject,
    chunk: u64,
    sender: mpsc::Sender<io::Result<Bytes>>,
) {
    let mut chunks = futures_util::stream::iter(chunk_ranges(object.size, chunk))
        .map(|range| {
            let options = GetOptions {
                range: Some(range.clone().into()),
                if_match: object.e_tag.clone(),
                ..GetOptions::default()
            };
            let (store, key, object) = (&store, &key, &object);
            async move {
                let wanted = range.end - range.start;
                let got = store
                    .get_opts(key, options)
                    .await
                    .map_err(|err| match err {
                        object_store::Error::Precondition { .. } => {
                            "the object changed while it was read".to_string()
                        }
                        err => describe(&err),
                    })?;
                // What the store says it sent must be the version and range asked for: a
                // store that ignores `Range` or `If-Match` would hand over other bytes.
                if got.meta.size != object.size
                    || (object.e_tag.is_some()
                        && got.meta.e_tag.is_some()
                        && got.meta.e_tag != object.e_tag)
                {
                    return Err("the object changed while it was read".to_string());
                }
                let bytes = got.bytes().await.map_err(|err| describe(&err))?;
                if bytes.len() as u64 != wanted {
                    return Err(format!(
                        "asked for {wanted} bytes at {}, received {}: the store ignored the range",
                        range.start,
                        bytes.len()
                    ));
                }
                Ok(bytes)
            }
        })
        .buffered(REQUESTS_AHEAD);
    while let Some(result) = chunks.next().await {
        let failed = result.is_err();
        let message =
            result.map_err(|reason| io::Error::other(format!("{}: {reason}", object.url)));
        if sender.send(message).await.is_err() || failed {
            return;
        }
    }
}

/// Reads an object's bytes as the fetching thread delivers them.
pub struct RemoteReader {
    url: String,
    /// The object's size at discovery, to tell a complete read from a cut-off one.
    expected: u64,
    received: u64,
    /// The chunk being read, advanced as bytes are handed out.
    current: Bytes,
    receiver: mpsc::Receiver<io::Result<Bytes>>,
}

impl Read for RemoteReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.receiver.blocking_recv() {
                Some(Ok(bytes)) => {
                    self.received += bytes.len() as u64;
                    self.current = bytes;
                }
                Some(Err(err)) => return Err(err),
                None if self.received == self.expected => return Ok(0),
                None => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!(
                            "{}: {} of {} bytes received",
                            self.url, self.received, self.expected
                        ),
                    ));
                }
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_store::PutPayload;
    use object_store::memory::InMemory;

    #[test]
    fn splits_urls_into_store_and_key() {
        let url = ObjectUrl::parse("s3://bucket/logs/2025/a.jsonl").unwrap();
        assert_eq!(
            url,
            ObjectUrl {
                cloud: Cloud::Aws,
                store: "s3://bucket",
                key: "logs/2025/a.jsonl"
            }
        );
        assert!(!url.is_prefix());
        let bucket = ObjectUrl::parse("gs://bucket").unwrap();
        assert_eq!(
            (bucket.cloud, bucket.store, bucket.key),
            (Cloud::Gcp, "gs://bucket", "")
        );
        assert!(bucket.is_prefix());
        let azure = ObjectUrl::parse("az://container/logs/").unwrap();
        assert_eq!((azure.cloud, azure.key), (Cloud::Azure, "logs/"));
        assert!(azure.is_prefix());
        assert_eq!(ObjectUrl::parse("s3:///key"), None);
        assert_eq!(ObjectUrl::parse("https://example.com/x"), None);
        assert!(is_object_url("az://c/k") && !is_object_url("logs/s3/a.jsonl"));
    }

    #[test]
    fn names_the_error_codes_users_can_act_on() {
        let body =
            "Server returned 404: <?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code></Error>";
        let err = object_store::Error::Generic {
            store: "S3",
            source: body.into(),
        };
        assert!(
            describe(&err).starts_with("no such bucket ("),
            "{}",
            describe(&err)
        );
        assert_eq!(
            xml_error_code("<Code>AccessDenied</Code>"),
            Some("AccessDenied")
        );
        assert_eq!(xml_error_code("connection refused"), None);
    }

    #[test]
    fn ranges_cover_the_object_once() {
        // 10 bytes in chunks of 4: [0,4), [4,8), [8,10); an empty object has no range.
        assert_eq!(chunk_ranges(10, 4).collect::<Vec<_>>(), [0..4, 4..8, 8..10]);
        assert_eq!(chunk_ranges(8, 4).collect::<Vec<_>>(), [0..4, 4..8]);
        assert_eq!(chunk_ranges(0, 4).count(), 0);
    }

    /// An in-memory store holding `bytes` at `key`, and the object as discovery would see it.
    fn stored(bytes: Vec<u8>) -> (Arc<dyn ObjectStore>, ObjectPath, RemoteObject) {
        let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
        let key = ObjectPath::from("logs/a.jsonl");
        let meta = runtime().unwrap().block_on(async {
            store.put(&key, PutPayload::from(bytes)).await.unwrap();
            store.head(&key).await.unwrap()
        });
        let object = RemoteObject {
            url: "s3://bucket/logs/a.jsonl".into(),
            size: meta.size,
            e_tag: meta.e_tag,
        };
        (store, key, object)
    }

    #[test]
    fn streams_an_object_in_chunks_unchanged() {
        // 1000 bytes in 64-byte chunks: 16 ranged reads, the last of 40 bytes.
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let (store, key, object) = stored(bytes.clone());
        let mut out = Vec::new();
        spawn_reader(store, key, object, 64)
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, bytes);
    }

    #[test]
    fn an_object_rewritten_mid_read_is_an_error_naming_the_url() {
        // 16 chunks of 64 bytes. Once the first chunk is read, the fetcher holds at most
        // REQUESTS_AHEAD + 1 + CHUNKS_QUEUED = 4 more, so it asks for the other 11 or more after
        // the rewrite, and the version check must fail them.
        let (store, key, object) = stored(vec![b'x'; 1024]);
        let mut reader = spawn_reader(Arc::clone(&store), key.clone(), object, 64).unwrap();
        let mut first = [0; 64];
        reader.read_exact(&mut first).unwrap();
        runtime().unwrap().block_on(async {
            store
                .put(&key, PutPayload::from(vec![b'y'; 1024]))
                .await
                .unwrap();
        });
        let mut rest = Vec::new();
        let err = reader.read_to_end(&mut rest).unwrap_err();
        assert!(
            err.to_string().contains("s3://bucket/logs/a.jsonl"),
            "{err}"
        );
        assert!(err.to_string().contains("changed"), "{err}");
        assert!(
            rest.len() <= 4 * 64 && !rest.contains(&b'y'),
            "{}",
            rest.len()
        );
    }
}
