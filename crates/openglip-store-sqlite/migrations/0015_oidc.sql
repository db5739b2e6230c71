-- OpenID Connect (`crate::oidc` of the domain). The RSA keys ID tokens are signed with: the
-- signing one (`retired` NULL) and the previous one, still published at the jwks URL. The
-- private key is PKCS#8 DER; `modulus` and `exponent` are the public key's JWK `n` and `e`.
CREATE TABLE oidc_signing_keys (
    kid           TEXT PRIMARY KEY,
    private_pkcs8 BLOB NOT NULL,
    modulus       BLOB NOT NULL,
    exponent      BLOB NOT NULL,
    created       INTEGER NOT NULL,
    retired       INTEGER
) WITHOUT ROWID;
-- At most one signing key.
CREATE UNIQUE INDEX oidc_signing_keys_current ON oidc_signing_keys ((retired IS NULL)) WHERE retired IS NULL;

-- The OpenID part of an authorization, by the token family of its code: the OIDC scopes
-- (bits: openid 1, profile 2, email 4), the nonce to echo, when the person authorized.
CREATE TABLE oidc_grants (
    family    TEXT PRIMARY KEY,
    scopes    INTEGER NOT NULL,
    nonce     TEXT,
    auth_time INTEGER NOT NULL
) WITHOUT ROWID;
