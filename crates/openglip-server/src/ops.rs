//! What an API operation is: its method and path, its OpenAPI names, its throttling group, who
//! may call it, its success status and its wire schemas. `routes::table` lists them all; the
//! router, the gate, metrics and the OpenAPI document are built from that one list.

use axum::http::Method;
use openglip_domain::Permission;

use crate::ratelimit::Group;

/// Who may call an operation, and how the gate finds out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone; throttled per client address (the OAuth endpoints, API information).
    Public,
    /// A bearer access token whose app has this permission (`None`: the handler decides, as
    /// for subscriptions, whose permission depends on the transport).
    Token(Option<Permission>),
    /// A developer signed in to the console (`auth::Developer`).
    Developer,
    /// An administrator signed in to the admin portal (`auth::AccountAdmin`).
    AccountAdmin,
}

/// A query parameter an operation reads, as the OpenAPI document describes it.
#[derive(Debug, Clone, Copy)]
pub struct QueryParam {
    pub name: &'static str,
    pub description: &'static str,
    pub schema: QuerySchema,
}

/// The values a query parameter takes.
#[derive(Debug, Clone, Copy)]
pub enum QuerySchema {
    Text,
    /// An integer in a range.
    Count {
        min: u32,
        max: u32,
    },
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// Any of these words, the parameter repeated (or comma-separated).
    AnyOf(&'static [&'static str]),
}

/// What an operation answers besides its JSON body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answers {
    Json,
    /// Several comma-separated ids in the path: 207 with a `multipart/mixed` body (a status part,
    /// then one JSON part per id), as RingCentral answers batch reads.
    JsonOrBatch,
    /// HTML pages (sign-in, Access Request, an error about the client in words) and a redirect
    /// to the client: the authorization endpoint.
    PagesAndRedirect,
    /// A file's bytes, of the file's own content type (a download).
    File,
}

/// One API operation.
#[derive(Debug, Clone)]
pub struct Op {
    pub method: Method,
    pub path: String,
    /// The OpenAPI `operationId` (RingCentral's, for RingCentral's operations).
    pub id: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    pub group: Group,
    pub access: Access,
    /// The success status.
    pub status: u16,
    /// Wire schema names of the request and response bodies, for the OpenAPI document.
    pub request: Option<&'static str>,
    pub response: Option<&'static str>,
    /// The query parameters it reads (paging, filters).
    pub query: Vec<QueryParam>,
    pub answers: Answers,
    /// The request body is a file: `multipart/form-data` (a `body` part), or the bare bytes.
    pub upload: bool,
}

impl Op {
    /// An operation answering 200, of the `Medium` group, for any valid access token; the
    /// builder methods below say otherwise.
    pub fn new(method: Method, path: impl Into<String>, id: &'static str) -> Op {
        Op {
            method,
            path: path.into(),
            id,
            summary: "",
            tag: "",
            group: Group::Medium,
            access: Access::Token(None),
            status: 200,
            request: None,
            response: None,
            query: Vec::new(),
            answers: Answers::Json,
            upload: false,
        }
    }
    pub fn get(path: impl Into<String>, id: &'static str) -> Op {
        Op::new(Method::GET, path, id)
    }
    pub fn post(path: impl Into<String>, id: &'static str) -> Op {
        Op::new(Method::POST, path, id)
    }
    pub fn put(path: impl Into<String>, id: &'static str) -> Op {
        Op::new(Method::PUT, path, id)
    }
    pub fn patch(path: impl Into<String>, id: &'static str) -> Op {
        Op::new(Method::PATCH, path, id)
    }
    pub fn delete(path: impl Into<String>, id: &'static str) -> Op {
        Op::new(Method::DELETE, path, id)
    }
    /// What it does, in a line, and the section of the document it is in.
    pub fn doc(mut self, tag: &'static str, summary: &'static str) -> Op {
        self.tag = tag;
        self.summary = summary;
        self
    }
    pub fn group(mut self, group: Group) -> Op {
        self.group = group;
        self
    }
    pub fn access(mut self, access: Access) -> Op {
        self.access = access;
        self
    }
    /// The success status, when not 200.
    pub fn status(mut self, status: u16) -> Op {
        self.status = status;
        self
    }
    /// The wire schema of the request body.
    pub fn takes(mut self, schema: &'static str) -> Op {
        self.request = Some(schema);
        self
    }
    /// The wire schema of the answer.
    pub fn gives(mut self, schema: &'static str) -> Op {
        self.response = Some(schema);
        self
    }
    /// A query parameter it reads.
    pub fn query(
        mut self,
        name: &'static str,
        schema: QuerySchema,
        description: &'static str,
    ) -> Op {
        self.query.push(QueryParam {
            name,
            description,
            schema,
        });
        self
    }
    /// RingCentral's paging by token: `recordCount` (1–250) and `pageToken`.
    pub fn paged(self) -> Op {
        self.query(
            "recordCount",
            QuerySchema::Count { min: 1, max: 250 },
            "Records per page (default 30)",
        )
        .query(
            "pageToken",
            QuerySchema::Text,
            "The page to read: navigation.prevPageToken or nextPageToken of an earlier page",
        )
    }
    /// What it answers besides its JSON body.
    pub fn answers(mut self, answers: Answers) -> Op {
        self.answers = answers;
        self
    }
    /// The request body is a file (see [`Op::upload`]).
    pub fn uploads(mut self) -> Op {
        self.upload = true;
        self
    }
    /// The app permission the operation requires, when fixed.
    pub fn permission(&self) -> Option<Permission> {
        match self.access {
            Access::Token(p) => p,
            _ => None,
        }
    }
}
