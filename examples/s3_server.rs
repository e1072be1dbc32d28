//! A local S3-compatible server over a folder (`s3s-fs`: each subfolder is a bucket), for
//! testing what reads object storage: `scripts/wheel_test.sh` runs it, and
//! `tests/object_store.rs` includes this file for [`serve`].
//!
//! ```sh
//! cargo run --release --example s3_server -- ROOT
//! ```
//!
//! It binds a free port of 127.0.0.1, prints its endpoint (`http://127.0.0.1:PORT`) on the
//! first line of stdout, and serves until it is killed. It accepts the key [`ACCESS_KEY`] with
//! [`SECRET_KEY`], in [`REGION`].

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: prints its endpoint.

use std::io::Write;
use std::path::Path;

/// The credentials the server accepts.
pub const ACCESS_KEY: &str = "llm-audit-test";
pub const SECRET_KEY: &str = "llm-audit-test-secret";
pub const REGION: &str = "us-east-1";

/// Serves the buckets under `root` on a background thread; returns the `http://` endpoint.
pub fn serve(root: &Path) -> Result<String, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| err.to_string())?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(|err| err.to_string())?;
    let endpoint = format!(
        "http://{}",
        listener.local_addr().map_err(|err| err.to_string())?
    );
    let folder =
        s3s_fs::FileSystem::new(root).map_err(|err| format!("{}: {err:?}", root.display()))?;
    let mut builder = s3s::service::S3ServiceBuilder::new(folder);
    builder.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
    let service = builder.build();
    std::thread::spawn(move || {
        runtime.block_on(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(socket), service.clone());
                tokio::spawn(connection);
            }
        })
    });
    Ok(endpoint)
}

fn main() -> Result<(), String> {
    let root = std::env::args().nth(1).ok_or("usage: s3_server ROOT")?;
    let endpoint = serve(Path::new(&root))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{endpoint}")
        .and_then(|()| out.flush())
        .map_err(|err| err.to_string())?;
    drop(out);
    loop {
        std::thread::park();
    }
}
