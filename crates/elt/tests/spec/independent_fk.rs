//! An independent FK stand-in: a real mutual-TLS server on loopback that answers with
//! hand-written bytes, one case per row. Each row is something ELT.md, FK's WSDL/XSD or the
//! HTTP and XML specifications allow and our own fake never does; the client must read it the
//! way FK meant it, and an answer cut off anywhere must be "uncertain", never "rejected" or
//! "sent".

use std::time::Duration;

use assistid_core::secret::Sensitive;
use assistid_elt::client::Timeouts;
use assistid_elt::error::Disposition;
use assistid_elt::{EltClient, EltError, TrustAnchor, build_request};
use assistid_fakes::raw_https::{Afterwards, RawHttpsServer, RawReply};

use crate::support::{ASSISTANT, bankid_ca, signed_request};

const PASSWORD: &str = "oberoende-lösen";
const TX: &str = "4a8db4b8-bc29-4406-901c-3f69298cabe3";
const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const ELT: &str = "urn:shs:emottagning:SkickaTidredovisning:1";

/// What a case must end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// FK's receipt with [`TX`].
    Receipt,
    /// FK's XmlValidationError with exactly this message.
    XmlRejected(&'static str),
    /// FK's SignatureValidationError with exactly this message.
    SignatureRejected(&'static str),
    /// Not received, retry later (with this Retry-After).
    Busy(Option<u64>),
    /// The outcome is unknown: the report may or may not be at FK.
    Uncertain,
}

fn receipt_body() -> String {
    format!(
        "<soapenv:Envelope xmlns:soapenv=\"{SOAP11}\"><soapenv:Body>\
         <SkickaTidredovisningResponse xmlns=\"{ELT}\"><tx-id>{TX}</tx-id>\
         </SkickaTidredovisningResponse></soapenv:Body></soapenv:Envelope>"
    )
}

fn xml_fault(message: &str) -> String {
    format!(
        "<soap:Envelope xmlns:soap=\"{SOAP11}\"><soap:Body><soap:Fault>\
         <faultcode>soap:Client</faultcode><faultstring>XmlValidationError</faultstring>\
         <detail><ns2:XmlValidationError xmlns:ns2=\"{ELT}\"><ns2:message>{message}</ns2:message>\
         </ns2:XmlValidationError></detail></soap:Fault></soap:Body></soap:Envelope>"
    )
}

fn ok_xml(body: &[u8]) -> RawReply {
    RawReply::http("200 OK", &["Content-Type: text/xml;charset=UTF-8"], body)
}

/// `bytes` as HTTP/1.1 chunks of `size` bytes, each after `pause`.
fn chunked(status: &str, body: &[u8], size: usize, pause: Duration) -> Vec<(Duration, Vec<u8>)> {
    let mut pieces = vec![(
        Duration::ZERO,
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/xml; charset=utf-8\r\n\
             Transfer-Encoding: chunked\r\n\r\n"
        )
        .into_bytes(),
    )];
    for chunk in body.chunks(size) {
        let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
        piece.extend_from_slice(chunk);
        piece.extend_from_slice(b"\r\n");
        pieces.push((pause, piece));
    }
    pieces.push((pause, b"0\r\n\r\n".to_vec()));
    pieces
}

fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("the case text is Latin-1"))
        .collect()
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

fn cases() -> Vec<(&'static str, RawReply, Expect)> {
    let receipt = receipt_body();
    let ms = Duration::from_millis;
    let head_ok = |extra: &str, len: usize| {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n{extra}Content-Length: {len}\r\n\r\n")
            .into_bytes()
    };
    vec![
        (
            "FK's example, whole",
            ok_xml(receipt.as_bytes()),
            Expect::Receipt,
        ),
        (
            "chunked transfer encoding in small slow pieces",
            RawReply {
                pieces: chunked("200 OK", receipt.as_bytes(), 17, ms(20)),
                afterwards: Afterwards::Close,
            },
            Expect::Receipt,
        ),
        (
            "no Content-Length, the body ends when the server closes",
            RawReply::whole(
                [
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n"
                        .as_slice(),
                    receipt.as_bytes(),
                ]
                .concat(),
            ),
            Expect::Receipt,
        ),
        (
            "keep-alive: the answer is complete by Content-Length, the server keeps the line open",
            RawReply {
                pieces: vec![(
                    Duration::ZERO,
                    [
                        head_ok("Connection: keep-alive\r\n", receipt.len()),
                        receipt.clone().into_bytes(),
                    ]
                    .concat(),
                )],
                afterwards: Afterwards::HoldOpen(Duration::from_secs(10)),
            },
            Expect::Receipt,
        ),
        (
            "slow headers: each piece within the read timeout, all of them together beyond it",
            RawReply {
                pieces: vec![
                    (ms(700), b"HTTP/1.1 200 OK\r\n".to_vec()),
                    (ms(700), b"Content-Type: text/xml\r\n".to_vec()),
                    (
                        ms(700),
                        [
                            format!("Content-Length: {}\r\n\r\n", receipt.len()).into_bytes(),
                            receipt.clone().into_bytes(),
                        ]
                        .concat(),
                    ),
                ],
                afterwards: Afterwards::Close,
            },
            Expect::Receipt,
        ),
        (
            "HTTP/1.0 answer",
            RawReply::whole(
                [
                    format!(
                        "HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n",
                        receipt.len()
                    )
                    .into_bytes(),
                    receipt.clone().into_bytes(),
                ]
                .concat(),
            ),
            Expect::Receipt,
        ),
        (
            "100 Continue before the answer",
            RawReply::whole(
                [
                    b"HTTP/1.1 100 Continue\r\n\r\n".to_vec(),
                    head_ok("", receipt.len()),
                    receipt.clone().into_bytes(),
                ]
                .concat(),
            ),
            Expect::Receipt,
        ),
        (
            "SOAP 1.2 envelope, application/soap+xml",
            RawReply::http(
                "200 OK",
                &["Content-Type: application/soap+xml; charset=utf-8"],
                format!(
                    "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\">\
                     <env:Body><r:SkickaTidredovisningResponse xmlns:r=\"{ELT}\">\
                     <r:tx-id>{TX}</r:tx-id></r:SkickaTidredovisningResponse></env:Body>\
                     </env:Envelope>"
                )
                .as_bytes(),
            ),
            Expect::Receipt,
        ),
        (
            "default namespaces, comments, processing instructions, CDATA and whitespace",
            ok_xml(
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
                     <!-- FK front 3 -->\n<?trace id=\"7\"?>\n\
                     <Envelope xmlns=\"{SOAP11}\">\n  <Header/>\n  <!-- c -->\n  <Body>\n\
                     <!-- before --><?pi x?>\n\
                     <q:SkickaTidredovisningResponse xmlns:q=\"{ELT}\" xmlns:x=\"urn:x\">\n\
                     <q:tx-id>\n  <![CDATA[{TX}]]>\n</q:tx-id>\n\
                     <x:spår>extra</x:spår>\n\
                     </q:SkickaTidredovisningResponse>\n  </Body>\n</Envelope>\n<!-- after -->\n"
                )
                .as_bytes(),
            ),
            Expect::Receipt,
        ),
        (
            "one prefix bound to two namespaces at different depths",
            ok_xml(
                format!(
                    "<a:Envelope xmlns:a=\"{SOAP11}\"><a:Body>\
                     <a:SkickaTidredovisningResponse xmlns:a=\"{ELT}\"><a:tx-id>{TX}</a:tx-id>\
                     </a:SkickaTidredovisningResponse></a:Body></a:Envelope>"
                )
                .as_bytes(),
            ),
            Expect::Receipt,
        ),
        (
            "UTF-8 byte order mark",
            ok_xml(&[b"\xEF\xBB\xBF".as_slice(), receipt.as_bytes()].concat()),
            Expect::Receipt,
        ),
        (
            "ISO-8859-1 declaration with Latin-1 letters in an extension",
            ok_xml(&latin1(&format!(
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\
                 <soapenv:Envelope xmlns:soapenv=\"{SOAP11}\"><soapenv:Body>\
                 <SkickaTidredovisningResponse xmlns=\"{ELT}\"><tx-id>{TX}</tx-id>\
                 <x:kö xmlns:x=\"urn:x\">Mottagen på Försäkringskassan</x:kö>\
                 </SkickaTidredovisningResponse></soapenv:Body></soapenv:Envelope>"
            ))),
            Expect::Receipt,
        ),
        (
            "UTF-16 with byte order mark",
            ok_xml(&utf16le_with_bom(&format!(
                "<?xml version=\"1.0\" encoding=\"UTF-16\"?>{receipt}"
            ))),
            Expect::Receipt,
        ),
        (
            "XmlValidationError, HTTP 500, FK's message verbatim",
            RawReply::http(
                "500 Internal Server Error",
                &["Content-Type: text/xml"],
                xml_fault("cvc-complex-type.2.4.a: Invalid content &amp; more").as_bytes(),
            ),
            Expect::XmlRejected("cvc-complex-type.2.4.a: Invalid content & more"),
        ),
        (
            "XmlValidationError in ISO-8859-1",
            RawReply::http(
                "500 Internal Server Error",
                &["Content-Type: text/xml; charset=ISO-8859-1"],
                &latin1(&format!(
                    "<?xml version='1.0' encoding='ISO-8859-1'?>{}",
                    xml_fault("Värdet för fält 'fromTid' är ogiltigt")
                )),
            ),
            Expect::XmlRejected("Värdet för fält 'fromTid' är ogiltigt"),
        ),
        (
            "SignatureValidationError in a qualified SOAP 1.1 detail, HTTP 200",
            ok_xml(
                format!(
                    "<s:Envelope xmlns:s=\"{SOAP11}\"><s:Body><s:Fault>\
                     <faultcode xmlns:t=\"{ELT}\">t:SignatureValidationError</faultcode>\
                     <faultstring xml:lang=\"sv\">Signaturfel</faultstring>\
                     <s:detail>\n<!-- fk -->\n<SignatureValidationError xmlns=\"{ELT}\">\
                     <message><![CDATA[OCSP-svaret hör inte till signaturen]]></message>\
                     </SignatureValidationError></s:detail></s:Fault></s:Body></s:Envelope>"
                )
                .as_bytes(),
            ),
            Expect::SignatureRejected("OCSP-svaret hör inte till signaturen"),
        ),
        (
            "SOAP 1.2 fault with FK's detail",
            RawReply::http(
                "500 Internal Server Error",
                &["Content-Type: application/soap+xml"],
                format!(
                    "<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\"><e:Body>\
                     <e:Fault><e:Code><e:Value>e:Sender</e:Value></e:Code>\
                     <e:Reason><e:Text xml:lang=\"sv\">fel</e:Text></e:Reason><e:Detail>\
                     <f:XmlValidationError xmlns:f=\"{ELT}\"><f:message>cvc-x</f:message>\
                     </f:XmlValidationError></e:Detail></e:Fault></e:Body></e:Envelope>"
                )
                .as_bytes(),
            ),
            Expect::XmlRejected("cvc-x"),
        ),
        (
            "a fault without detail",
            RawReply::http(
                "500 Internal Server Error",
                &["Content-Type: text/xml"],
                format!(
                    "<soap:Envelope xmlns:soap=\"{SOAP11}\"><soap:Body><soap:Fault>\
                     <faultcode>soap:Server</faultcode><faultstring>Internt fel</faultstring>\
                     </soap:Fault></soap:Body></soap:Envelope>"
                )
                .as_bytes(),
            ),
            Expect::Uncertain,
        ),
        (
            "HTTP 500 with an HTML page",
            RawReply::http(
                "500 Internal Server Error",
                &["Content-Type: text/html"],
                b"<!DOCTYPE html><html><body><h1>500</h1></body></html>",
            ),
            Expect::Uncertain,
        ),
        (
            "503 with Retry-After and an HTML page",
            RawReply::http(
                "503 Service Unavailable",
                &["Retry-After: 2", "Content-Type: text/html"],
                b"<html><body>busy</body></html>",
            ),
            Expect::Busy(Some(2)),
        ),
        (
            "429 Too Many Requests with Retry-After (FK's pacing)",
            RawReply::http(
                "429 Too Many Requests",
                &["Retry-After: 3", "Content-Type: text/plain"],
                b"Too many requests",
            ),
            Expect::Busy(Some(3)),
        ),
        (
            "the body cut off mid-way (Content-Length not reached)",
            RawReply {
                pieces: vec![(
                    Duration::ZERO,
                    [
                        head_ok("", receipt.len()),
                        receipt.as_bytes()[..receipt.len() / 2].to_vec(),
                    ]
                    .concat(),
                )],
                afterwards: Afterwards::Cut,
            },
            Expect::Uncertain,
        ),
        (
            "a receipt cut off mid-chunk, after the tx-id went by",
            RawReply {
                pieces: {
                    let mut pieces = chunked("200 OK", receipt.as_bytes(), 200, Duration::ZERO);
                    pieces.truncate(2);
                    pieces
                },
                afterwards: Afterwards::Cut,
            },
            Expect::Uncertain,
        ),
        (
            "every chunk but the last (zero) chunk, then a clean close",
            RawReply {
                pieces: {
                    let mut pieces = chunked("200 OK", receipt.as_bytes(), 64, Duration::ZERO);
                    pieces.pop();
                    pieces
                },
                afterwards: Afterwards::Close,
            },
            Expect::Uncertain,
        ),
        (
            "a body cut off without Content-Length or chunks is a truncated document",
            RawReply {
                pieces: vec![(
                    Duration::ZERO,
                    [
                        b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".as_slice(),
                        &receipt.as_bytes()[..receipt.len() - 30],
                    ]
                    .concat(),
                )],
                afterwards: Afterwards::Close,
            },
            Expect::Uncertain,
        ),
        (
            "headers cut off mid-way",
            RawReply {
                pieces: vec![(Duration::ZERO, b"HTTP/1.1 200 OK\r\nContent-Ty".to_vec())],
                afterwards: Afterwards::Cut,
            },
            Expect::Uncertain,
        ),
        (
            "the request is read and the connection closed without a word",
            RawReply {
                pieces: Vec::new(),
                afterwards: Afterwards::Close,
            },
            Expect::Uncertain,
        ),
        (
            "the status line arrives, then silence beyond the read timeout",
            RawReply {
                pieces: vec![(Duration::ZERO, head_ok("", receipt.len()))],
                afterwards: Afterwards::HoldOpen(Duration::from_secs(5)),
            },
            Expect::Uncertain,
        ),
    ]
}

fn client(server: &RawHttpsServer) -> EltClient {
    EltClient::builder()
        .endpoint(server.endpoint())
        .identity(
            server
                .client_identity_p12(PASSWORD)
                .expect("a client identity"),
            Sensitive::new(PASSWORD.to_owned()),
        )
        .trust(TrustAnchor::PinnedCa(server.ca_pem().to_owned()))
        .timeouts(Timeouts {
            connect: Duration::from_secs(5),
            read: Duration::from_millis(1500),
        })
        .build()
        .expect("the client builds")
}

fn meets(expect: Expect, outcome: &Result<assistid_elt::TxId, EltError>) -> bool {
    match (expect, outcome) {
        (Expect::Receipt, Ok(tx)) => tx.to_string() == TX,
        (Expect::XmlRejected(m), Err(e @ EltError::XmlValidation { .. }))
        | (Expect::SignatureRejected(m), Err(e @ EltError::SignatureValidation { .. })) => {
            e.fk_message() == Some(m) && e.disposition() == Disposition::Rejected
        }
        (Expect::Busy(after), Err(EltError::ServiceUnavailable { retry_after_secs })) => {
            *retry_after_secs == after
        }
        (Expect::Uncertain, Err(e)) => e.disposition() == Disposition::Uncertain,
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_fk_may_give_is_read_as_fk_meant_it() {
    let server = RawHttpsServer::start().await.expect("the stand-in starts");
    let client = client(&server);
    let (_, request) = signed_request(&bankid_ca(), ASSISTANT);
    let envelope = build_request(&request);
    let mut wrong = Vec::new();
    let cases = cases();
    for (name, reply, expect) in &cases {
        server.reply(reply.clone());
        let attempt = client.submit_envelope(envelope.clone()).await;
        if !meets(*expect, &attempt.outcome) {
            wrong.push(format!(
                "{name}: expected {expect:?}, got {:?}",
                attempt.outcome
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "answers read wrongly (a receipt missed means a resend FK counts twice; a cut answer \
         called rejected or sent loses a report):\n{}",
        wrong.join("\n")
    );
    assert_eq!(
        server.requests().len(),
        cases.len(),
        "each case was exactly one request: nothing is resent on its own"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_is_soap_1_1_as_the_wsdl_binds_it() {
    let server = RawHttpsServer::start().await.expect("the stand-in starts");
    server.reply(ok_xml(receipt_body().as_bytes()));
    let (_, request) = signed_request(&bankid_ca(), ASSISTANT);
    let envelope = build_request(&request);
    let attempt = client(&server).submit_envelope(envelope.clone()).await;
    assert!(attempt.outcome.is_ok(), "{:?}", attempt.outcome);
    let seen = server.requests();
    let [seen] = seen.as_slice() else {
        panic!("exactly one request, got {}", seen.len())
    };
    assert!(
        seen.head
            .starts_with("POST /shs2/FK.ASE.Tidredovisning.raw HTTP/1.1\r\n"),
        "a POST to the endpoint's path: {:?}",
        seen.head.lines().next()
    );
    assert_eq!(
        seen.header("SOAPAction"),
        Some("\"urn:shs:emottagning:SkickaTidredovisningResponder:1:SkickaTidredovisning\""),
        "the WSDL's soapAction, quoted as SOAP 1.1 requires"
    );
    let content_type = seen
        .header("Content-Type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        content_type.starts_with("text/xml") && content_type.contains("charset=utf-8"),
        "SOAP 1.1 is text/xml (application/soap+xml is SOAP 1.2), in UTF-8: {content_type}"
    );
    assert_eq!(
        seen.body, envelope,
        "the body is the envelope, byte for byte"
    );
    assert!(
        String::from_utf8_lossy(&seen.body).contains(SOAP11),
        "the envelope is SOAP 1.1"
    );
}
