//! OpenID Connect's storage (`OidcStore`): the first signing key kept once however many are
//! offered, rotation keeping the previous key published and dropping older ones, keys surviving
//! a reopening (a restarted node signs with the same key), and the OpenID part of an
//! authorization kept by token family.

use openglip_domain::oidc::{OidcGrant, OidcScopes, SigningKey};

use crate::*;

fn key(kid: &str, created: i64) -> SigningKey {
    SigningKey {
        kid: kid.into(),
        private_pkcs8: format!("private {kid}").into_bytes(),
        modulus: vec![0xc5, 0x01, 0x02, kid.len() as u8],
        exponent: vec![1, 0, 1],
        created: Timestamp(created),
        retired: None,
    }
}

pub async fn the_first_signing_key_is_kept_once_and_rotation_keeps_the_previous<B: Backend>() {
    let (place, store) = open::<B>().await;
    let o = store.oidc();
    assert!(o.signing_keys().await.unwrap().is_empty());
    // Two nodes making the first key at once: both sign with the one kept first.
    let (a, b) = tokio::join!(
        o.add_first_signing_key(key("k1", 1_000)),
        o.add_first_signing_key(key("k1b", 1_001))
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a, b);
    assert_eq!(o.signing_keys().await.unwrap(), vec![a.clone()]);
    assert_eq!(
        store.count("SELECT count(*) FROM oidc_signing_keys").await,
        1
    );

    // Rotation: the new key signs, the old one stays published, retired.
    let kept = o.rotate_signing_key(key("k2", 2_000)).await.unwrap();
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0], key("k2", 2_000));
    assert_eq!(kept[1].kid, a.kid);
    assert_eq!(kept[1].retired, Some(Timestamp(2_000)));
    assert_eq!(kept[1].private_pkcs8, a.private_pkcs8);
    // The first key offered now is not kept: there is a signing key.
    assert_eq!(
        o.add_first_signing_key(key("k9", 9_000)).await.unwrap().kid,
        "k2"
    );
    // Again: only the previous one stays.
    let kept = o.rotate_signing_key(key("k3", 3_000)).await.unwrap();
    let kids: Vec<&str> = kept.iter().map(|k| k.kid.as_str()).collect();
    assert_eq!(kids, ["k3", "k2"]);
    assert!(kept[0].retired.is_none());
    drop(store);

    // A restarted node reads the same keys.
    let again = B::open(&place).await;
    assert_eq!(again.oidc().signing_keys().await.unwrap(), kept);
}

pub async fn oidc_grants_are_kept_by_family<B: Backend>() {
    let (_place, store) = open::<B>().await;
    let o = store.oidc();
    assert_eq!(o.oidc_grant("fam-1".into()).await.unwrap(), None);
    let mut scopes = OidcScopes::OPENID;
    scopes.insert(OidcScopes::EMAIL);
    let grant = OidcGrant {
        family: "fam-1".into(),
        scopes,
        nonce: Some("n-0S6_WzA2Mj".into()),
        auth_time: Timestamp(1_700_000_000_000),
    };
    o.put_oidc_grant(grant.clone()).await.unwrap();
    o.put_oidc_grant(OidcGrant {
        family: "fam-2".into(),
        scopes: OidcScopes::OPENID,
        nonce: None,
        auth_time: Timestamp(5),
    })
    .await
    .unwrap();
    assert_eq!(o.oidc_grant("fam-1".into()).await.unwrap(), Some(grant));
    let other = o.oidc_grant("fam-2".into()).await.unwrap().unwrap();
    assert_eq!(other.nonce, None);
    assert!(!other.scopes.contains(OidcScopes::EMAIL));
    assert_eq!(o.oidc_grant("fam-3".into()).await.unwrap(), None);
}
