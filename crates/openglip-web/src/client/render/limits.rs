//! What hostile text or attachments may cost at most: nesting, length, output and elements.

/// Message text beyond this is cut before rendering (posts are validated to far less).
pub(super) const MAX_MESSAGE_CHARS: usize = 64 * 1024;
/// Nesting of quotes and lists.
pub(super) const MAX_BLOCK_DEPTH: usize = 8;
/// Nesting of emphasis.
pub(super) const MAX_INLINE_DEPTH: usize = 16;
/// Nesting of adaptive-card elements (containers, columns, shown cards, fallbacks).
pub(super) const MAX_AC_DEPTH: usize = 12;
/// Attachment HTML beyond which nothing more is rendered.
pub(super) const MAX_ATT_HTML: usize = 512 * 1024;
/// Attachment elements (card elements, fields, facts, choices, actions) beyond which nothing more
/// is rendered.
pub(super) const MAX_NODES: usize = 5_000;
/// Markdown text of one attachment field.
pub(super) const MAX_TEXT_CHARS: usize = 20_000;
/// A title, name or label of an attachment.
pub(super) const MAX_LABEL_CHARS: usize = 1_000;
pub(super) const MAX_URL_LEN: usize = 4_096;
pub(super) const MAX_DATA_URL_LEN: usize = 256 * 1024;
/// The reader id used where nobody is "me".
pub(super) const NOBODY: i64 = i64::MIN;
