//! Templates: [maud](https://maud.lambda.xyz/)'s `html!`, which escapes every value it is given,
//! so no page is put together from strings. The chrome (the [`Document`], the app [`Shell`], the
//! [`auth_card`]), forms ([`Field`], [`Choices`], [`FormErrors`]), [`Table`]s, [`Dialog`]s and
//! [`ConfirmForm`]s, and small parts ([`notice`], [`pill`], [`Button`], [`copyable`],
//! [`secret`], [`Breadcrumbs`], [`Pagination`], [`Icon`]). Each implements [`maud::Render`]
//! or returns [`maud::Markup`], so they nest inside `html!` as `(part)`.
//!
//! Accessible by default: every input has a `<label>`, hints and errors are tied to it with
//! `aria-describedby` (and `aria-invalid` when wrong), groups are `<fieldset>`s with a
//! `<legend>`, the current page is `aria-current`, icons are hidden from screen readers unless
//! they are the only label.

mod chrome;
mod dialog;
mod form;
mod icons;
mod parts;
mod table;

pub use chrome::{Document, NavLink, Shell, SideGroup, auth_card, brand, env_tag};
pub use dialog::{ConfirmForm, Dialog};
pub use form::{Choice, Choices, Field, FormErrors, hidden};
pub use icons::Icon;
pub use parts::{
    Breadcrumbs, Button, Pagination, Tone, copyable, notice, pill, secret, visually_hidden,
};
pub use table::Table;
