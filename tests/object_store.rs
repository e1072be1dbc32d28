//! Integration tests for inputs in object storage: the real `llm-audit` binary reads
//! `s3://` URLs from a local S3-compatible server (`s3s-fs`, an S3 API over a directory) that
//! each test starts on 127.0.0.1, and its report must equal the one for the same files on disk.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: prints its own text.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutPayload};

#[allow(dead_code)]
#[path = "../examples/s3_server.rs"]
mod s3_server;

/// Credentials the server accepts; the binary gets them through the standard AWS variables.
use s3_server::{ACCESS_KEY, REGION, SECRET_KEY};

/// A local S3 server over a temporary directory, serving until the test process ends.
struct Server {
    /// Holds the buckets (one directory each); removed when the test ends.
    root: tempfile::TempDir,
    endpoint: String,
}

impl Server {
    /// Binds 127.0.0.1 on a free port and serves S3 requests on a background thread.
    fn start() -> Server {
        let root = tempfile::tempdir().unwrap();
        let endpoint = s3_server::serve(root.path()).unwrap();
        Server { root, endpoint }
    }

    /// Creates `bucket` and uploads each `(key, bytes)` through the S3 API.
    fn upload(&self, bucket: &str, objects: &[(&str, Vec<u8>)]) {
        std::fs::create_dir(self.root.path().join(bucket)).unwrap();
        let store = AmazonS3Builder::new()
            .with_endpoint(&self.endpoint)
            .with_allow_http(true)
            .with_bucket_name(bucket)
            .with_region(REGION)
            .with_access_key_id(ACCESS_KEY)
            .with_secret_access_key(SECRET_KEY)
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            for (key, bytes) in objects {
                let payload = PutPayload::from(bytes.clone());
                store.put(&ObjectPath::from(*key), payload).await.unwrap();
            }
        });
    }

    /// Runs `analyze --format json` on `inputs` with the endpoint and credentials in the
    /// standard AWS variables (and no others from the caller's environment).
    fn analyze(&self, inputs: &[&str]) -> Output {
        self.command()
            .args(["analyze", "--format", "json", "--no-progress"])
            .args(inputs)
            .output()
            .expect("the binary runs")
    }

    /// The binary with the endpoint and credentials in the standard AWS variables (and no
    /// others from the caller's environment).
    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_llm-audit"));
        // The server is local: no proxy in between.
        for (name, _) in std::env::vars_os() {
            let upper = name.to_string_lossy().to_ascii_uppercase();
            if upper.starts_with("AWS_") || upper.ends_with("_PROXY") {
                command.env_remove(name);
            }
        }
        command
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_REGION", REGION)
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ALLOW_HTTP", "true")
            .env_remove("LLM_AUDIT_HISTORY")
            .env_remove("LLM_AUDIT_MACHINE");
        command
    }
}

/// A runtime, a listener on a free port of 127.0.0.1, and its `http://` endpoint.
fn bind_local() -> (tokio::runtime::Runtime, tokio::net::TcpListener, String) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    (runtime, listener, endpoint)
}

/// Runs `analyze --format json` on local paths.
fn analyze_local(inputs: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_llm-audit"))
        .args(["analyze", "--format", "json", "--no-progress"])
        .args(inputs)
        .output()
        .expect("the binary runs")
}

/// The report on stdout of a run that must have succeeded.
fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/logs")
            .join(path),
    )
    .unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn a_prefix_in_a_bucket_reads_like_the_same_files_on_disk() {
    // The OpenAI fixture as is, the Anthropic one gzipped, and a file that is not a log.
    let objects = [
        (
            "logs/anthropic/messages.jsonl.gz",
            gzip(&fixture("anthropic/messages.jsonl")),
        ),
        (
            "logs/openai/chat_and_responses.jsonl",
            fixture("openai/chat_and_responses.jsonl"),
        ),
        ("logs/README.txt", b"not a log".to_vec()),
    ];
    let server = Server::start();
    server.upload("audit", &objects);
    let local = tempfile::tempdir().unwrap();
    for (key, bytes) in &objects {
        let path = local.path().join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let remote = stdout(&server.analyze(&["s3://audit/logs/"]));
    let on_disk = stdout(&analyze_local(&[&local.path().join("logs")]));
    // Only the source names differ: the report is otherwise the same, byte for byte.
    let on_disk = on_disk.replace(
        &local.path().join("logs").display().to_string(),
        "s3://audit/logs",
    );
    assert_eq!(remote, on_disk);
    let report: serde_json::Value = serde_json::from_str(&remote).unwrap();
    let names: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|input| input["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "s3://audit/logs/anthropic/messages.jsonl.gz",
            "s3://audit/logs/openai/chat_and_responses.jsonl"
        ]
    );
    // 5 of the 6 Anthropic records and 7 of the 9 OpenAI ones are calls (the rest are skips).
    assert_eq!(report["calls"], 12);

    // One object named by its URL is one source with that name.
    let single = stdout(&server.analyze(&["s3://audit/logs/openai/chat_and_responses.jsonl"]));
    let report: serde_json::Value = serde_json::from_str(&single).unwrap();
    assert_eq!(
        report["inputs"][0]["path"],
        "s3://audit/logs/openai/chat_and_responses.jsonl"
    );
    assert_eq!(report["calls"], 7);
}

#[test]
fn a_missing_object_or_bucket_is_an_input_error_naming_the_url() {
    let server = Server::start();
    server.upload("audit", &[("logs/a.jsonl", b"{}\n".to_vec())]);
    for url in ["s3://audit/logs/nope.jsonl", "s3://no-such-bucket/logs/"] {
        let output = server.analyze(&[url]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        // Exit code 2: "an unreadable input path" (README, Exit codes).
        assert_eq!(output.status.code(), Some(2), "{url}: {stderr}");
        assert!(stderr.contains(url), "{url}: {stderr}");
        assert!(output.stdout.is_empty());
        eprintln!("{stderr}");
    }
}

#[test]
fn a_prefix_without_log_files_reads_like_an_empty_directory() {
    let server = Server::start();
    server.upload("audit", &[("notes/readme.txt", b"not a log".to_vec())]);
    let empty = tempfile::tempdir().unwrap();
    let on_disk = stdout(&analyze_local(&[empty.path()]));
    // (`s3://audit/notes` without the slash is a prefix too, but s3s-fs answers a HEAD of a key
    // that is one of its directories with 500 where S3 answers 404, so it is not tried here.)
    for url in ["s3://audit/notes/", "s3://audit/nothing-here/"] {
        assert_eq!(stdout(&server.analyze(&[url])), on_disk, "{url}");
    }
}

/// A store that misbehaves: its listing hands back the same page with the same continuation
/// token forever, and it answers every ranged GET with the whole object (status 200). Serves
/// bucket `hostile` with one object, `logs/big.jsonl`, of `body`.
fn start_hostile(body: Vec<u8>) -> String {
    use http_body_util::Full;
    use hyper::body::Bytes;
    let (runtime, listener, endpoint) = bind_local();
    let body = Bytes::from(body);
    std::thread::spawn(move || {
        runtime.block_on(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let body = body.clone();
                let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
                    let body = body.clone();
                    async move {
                        let listing = request
                            .uri()
                            .query()
                            .is_some_and(|q| q.contains("list-type=2"));
                        let response = hyper::Response::builder()
                            .header("ETag", "\"v1\"")
                            .header("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT");
                        let response = if listing {
                            let page = format!(
                                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
                                 <ListBucketResult><Name>hostile</Name><Prefix>logs/</Prefix>\
                                 <KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys>\
                                 <IsTruncated>true</IsTruncated>\
                                 <NextContinuationToken>again</NextContinuationToken>\
                                 <Contents><Key>logs/big.jsonl</Key>\
                                 <LastModified>2026-01-01T00:00:00.000Z</LastModified>\
                                 <ETag>&quot;v1&quot;</ETag><Size>{}</Size></Contents>\
                                 </ListBucketResult>",
                                body.len()
                            );
                            response.body(Full::new(Bytes::from(page)))
                        } else {
                            response
                                .header("Content-Length", body.len())
                                .body(Full::new(body))
                        };
                        Ok::<_, std::convert::Infallible>(response.unwrap())
                    }
                });
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(socket), service);
                tokio::spawn(connection);
            }
        })
    });
    endpoint
}

#[test]
fn a_store_that_loops_or_ignores_ranges_is_an_error_naming_the_url() {
    // More than one ranged read (1 MiB each) of JSON lines.
    let line = fixture("openai/chat_and_responses.jsonl");
    let line = line.split(|&b| b == b'\n').next().unwrap().to_vec();
    let mut body = Vec::new();
    while body.len() < 3 << 20 {
        body.extend_from_slice(&line);
        body.push(b'\n');
    }
    let server = Server {
        root: tempfile::tempdir().unwrap(),
        endpoint: start_hostile(body),
    };
    for (url, says) in [
        // The listing repeats its page: stopped, not followed forever.
        ("s3://hostile/logs/", "loops"),
        // The object itself, read in ranges the store ignores.
        ("s3://hostile/logs/big.jsonl", "s3://hostile/logs/big.jsonl"),
    ] {
        let output = server.analyze(&[url]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{url}: {stderr}");
        assert!(
            stderr.contains(url) && stderr.contains(says),
            "{url}: {stderr}"
        );
    }
}

/// `history add` of `paths` to `store` as `machine`, to be run.
fn history_add_command(server: &Server, store: &str, machine: &str, paths: &[&Path]) -> Command {
    let mut command = server.command();
    command
        .args([
            "history",
            "add",
            "-q",
            "--history",
            store,
            "--machine",
            machine,
        ])
        .args(paths);
    command
}

/// `history add` of `paths` to `store` as `machine`.
fn history_add(server: &Server, store: &str, machine: &str, paths: &[&Path]) -> Output {
    history_add_command(server, store, machine, paths)
        .output()
        .expect("the binary runs")
}

/// A report without what names the inputs (paths differ between a store and the disk).
fn without_inputs(report: &str) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_str(report).unwrap();
    value["inputs"] = serde_json::Value::Null;
    for sample in value["error_samples"].as_array_mut().into_iter().flatten() {
        sample["file"] = serde_json::Value::Null;
    }
    value
}

#[test]
fn two_machines_keep_one_history_in_a_bucket_and_group_apart() {
    let server = Server::start();
    std::fs::create_dir(server.root.path().join("team")).unwrap();
    let logs = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/logs");
    let (alpha, beta) = (logs.join("claude-code"), logs.join("openai"));
    let store = "s3://team/history";
    stdout(&history_add(&server, store, "alpha", &[&alpha]));
    stdout(&history_add(&server, store, "beta", &[&beta]));
    // Again, from both machines at once: everything is stored, nothing is added.
    let spawn = |machine: &str, path: &Path| {
        history_add_command(&server, store, machine, &[path])
            .spawn()
            .unwrap()
    };
    let (mut one, mut two) = (spawn("alpha", &alpha), spawn("beta", &beta));
    assert!(one.wait().unwrap().success() && two.wait().unwrap().success());

    let status = server
        .command()
        .args(["history", "status", "--format", "json", "--history", store])
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_str(&stdout(&status)).unwrap();
    assert_eq!(status["commits"], 2, "{status}");
    assert_eq!(status["machines"]["alpha"], 3, "{status}");
    assert_eq!(status["machines"]["beta"], 1, "{status}");

    let history = |extra: &[&str]| {
        let output = server
            .command()
            .args(["analyze", "-q", "--format", "json", "--machine", "alpha"])
            .arg(format!("--history={store}"))
            .args(extra)
            .output()
            .unwrap();
        stdout(&output)
    };
    // The team's history reports as analyze over both machines' logs.
    assert_eq!(
        without_inputs(&history(&[])),
        without_inputs(&stdout(&analyze_local(&[&alpha, &beta])))
    );
    // And `--group-by machine` splits the calls as each machine read them.
    let grouped: serde_json::Value =
        serde_json::from_str(&history(&["--group-by", "machine"])).unwrap();
    let groups = grouped["groups"]
        .as_array()
        .and_then(|all| all.iter().find(|g| g["by"] == "machine"))
        .and_then(|g| g["groups"].as_array())
        .expect("a machine grouping")
        .clone();
    let calls_of = |path: &Path| -> serde_json::Value {
        let report: serde_json::Value =
            serde_json::from_str(&stdout(&analyze_local(&[path]))).unwrap();
        report["calls"].clone()
    };
    let by_name = |name: &str| {
        groups
            .iter()
            .find(|g| g["key"] == name)
            .map(|g| g["calls"].clone())
    };
    assert_eq!(groups.len(), 2);
    assert_eq!(by_name("alpha"), Some(calls_of(&alpha)));
    assert_eq!(by_name("beta"), Some(calls_of(&beta)));
    // Another machine's sources are named with it.
    let report: serde_json::Value = serde_json::from_str(&history(&[])).unwrap();
    let beta_name = format!("beta:{}", beta.join("chat_and_responses.jsonl").display());
    assert!(
        report["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|input| input["path"] == beta_name.as_str()),
        "{}",
        report["inputs"]
    );
}

#[test]
fn a_bucket_of_logs_added_to_a_history_is_known_again_and_reports_as_analyze() {
    let server = Server::start();
    // Three logs, one of them under a name that sorts apart by URL and by path components
    // (`openai-batch/…` before `openai/…` as text, after it as a path).
    let names = [
        "anthropic/messages.jsonl",
        "openai/chat_and_responses.jsonl",
        "openai-batch/batch_output.jsonl",
    ];
    let keys: Vec<String> = names.iter().map(|name| format!("logs/{name}")).collect();
    let objects: Vec<(&str, Vec<u8>)> = keys
        .iter()
        .zip(names)
        .map(|(key, name)| (key.as_str(), fixture(name)))
        .collect();
    server.upload("audit", &objects);
    let store = tempfile::tempdir().unwrap();
    let store = store.path().join("history");
    let add = || {
        let output = server
            .command()
            .args(["history", "add", "-q", "--machine", "alpha", "--history"])
            .arg(&store)
            .arg("s3://audit/logs/")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let first = add();
    assert!(
        first.contains(&format!("{} sources read", objects.len())),
        "{first}"
    );
    // The objects did not change: nothing is read again.
    let second = add();
    assert!(
        second.contains("0 sources read")
            && second.contains(&format!("{} unchanged", objects.len())),
        "{second}"
    );
    let history = server
        .command()
        .args(["analyze", "-q", "--format", "json", "--machine", "alpha"])
        .arg(format!("--history={}", store.display()))
        .output()
        .unwrap();
    assert_eq!(
        stdout(&history),
        stdout(&server.analyze(&["s3://audit/logs/"]))
    );
}
