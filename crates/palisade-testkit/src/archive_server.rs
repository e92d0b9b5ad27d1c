//! A real HTTP/1.1 server on 127.0.0.1 for `db update` tests: it serves archives as
//! routes say, whole, cut short, slowly, or not at all. Used by palisade-vuln's update
//! tests and the CLI's kill -9 test.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the server answers one route.
#[derive(Clone)]
pub enum Reply {
    /// The whole body, with an ETag (its length) and 304 when `If-None-Match` matches it.
    Zip(Vec<u8>),
    /// Sends the headers of the full body, then only this many bytes, then closes.
    DropAfter(Vec<u8>, usize),
    /// 404.
    NotFound,
    /// The whole body, `chunk` bytes at a time with `pause` between chunks: a slow mirror.
    Slow(Vec<u8>, usize, Duration),
}

/// A minimal HTTP/1.1 server on 127.0.0.1: one request per connection, each connection on
/// its own thread (a slow reply must not hold up the next client).
pub fn serve(routes: Arc<Mutex<Vec<(String, Reply)>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let routes = routes.clone();
            std::thread::spawn(move || answer(stream, &routes));
        }
    });
    format!("http://{addr}")
}

fn answer(mut stream: TcpStream, routes: &Mutex<Vec<(String, Reply)>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut if_none_match = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("if-none-match:") {
            if_none_match = Some(v.trim().to_string());
        }
    }
    let path = request.split(' ').nth(1).unwrap_or("/").to_string();
    let reply = routes
        .lock()
        .unwrap()
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, r)| r.clone())
        .unwrap_or(Reply::NotFound);
    match reply {
        Reply::Zip(body) => {
            let etag = format!("\"{}\"", body.len());
            if if_none_match.as_deref() == Some(etag.as_str()) {
                let _ = stream.write_all(b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n");
                return;
            }
            let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: {etag}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
            let _ = stream.write_all(&body);
        }
        Reply::DropAfter(body, n) => {
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body[..n]);
            let _ = stream.flush();
            drop(stream);
        }
        Reply::Slow(body, chunk, pause) => {
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            for part in body.chunks(chunk.max(1)) {
                // the client went away (or was killed): stop sending
                if stream.write_all(part).and_then(|_| stream.flush()).is_err() {
                    return;
                }
                std::thread::sleep(pause);
            }
        }
        Reply::NotFound => {
            let _ = stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found",
                    );
        }
    }
}
