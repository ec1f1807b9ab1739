//! The JSON-RPC framing over stdio. lsp-server's own reader ends the
//! connection on the first malformed message; this one reports it and reads
//! on, so a client's bad message costs one error answer, never the server.

use lsp_server::Message;
use std::io::{BufRead, Read, Write};

/// Messages larger than this are skipped unread (answered with an error):
/// a buffer of hundreds of MB is no retro, and would only cost memory.
const MAX_MESSAGE: usize = 64 << 20;

pub(crate) enum Frame {
    Message(Message),
    /// A frame that is not a JSON-RPC message; `id` when one could be read.
    Malformed {
        id: Option<serde_json::Value>,
        reason: String,
    },
    /// stdin closed (or broke): the client is gone.
    Eof,
}

pub(crate) fn read(input: &mut impl BufRead) -> Frame {
    let mut length = None;
    let mut line = Vec::new();
    let mut any_header = false;
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return Frame::Eof,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if any_header {
                break;
            }
            continue;
        }
        any_header = true;
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let Some(length) = length else {
        return Frame::Malformed { id: None, reason: "a message without a valid Content-Length header".into() };
    };
    if length > MAX_MESSAGE {
        let skipped = std::io::copy(&mut input.take(length as u64), &mut std::io::sink());
        if skipped.map_or(true, |n| n < length as u64) {
            return Frame::Eof;
        }
        return Frame::Malformed { id: None, reason: format!("a message of {length} bytes, over the limit") };
    }
    let mut body = vec![0; length];
    if input.read_exact(&mut body).is_err() {
        return Frame::Eof;
    }
    match serde_json::from_slice::<Message>(&body) {
        Ok(message) => Frame::Message(message),
        Err(e) => {
            let id = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("id").cloned())
                .filter(|id| id.is_number() || id.is_string());
            Frame::Malformed { id, reason: e.to_string() }
        }
    }
}

/// Write a message; `false` when the client is gone.
pub(crate) fn write(output: &mut impl Write, message: &Message) -> bool {
    message.write(output).is_ok()
}

/// The answer to a malformed frame: a parse error (id `null` when none
/// could be read), written by hand as lsp-server has no null id.
pub(crate) fn write_malformed(output: &mut impl Write, id: Option<serde_json::Value>, reason: &str) -> bool {
    let code = if id.is_some() { -32600 } else { -32700 };
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": format!("malformed message: {reason}") },
    })
    .to_string();
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len()).and_then(|()| output.flush()).is_ok()
}
