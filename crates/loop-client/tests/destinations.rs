//! Destinations (warehouse routing context) against wiremock.

#[macro_use]
mod common;

use common::{client, json, loop_mock, server};
use loop_client::{DestinationId, DestinationType};

#[tokio::test]
async fn list_reads_the_wrapped_list_with_mixed_id_types() {
    let server = server().await;
    loop_mock("GET", "/destinations")
        .respond_with(json(200, fixture!("destinations.json")))
        .expect(1)
        .mount(&server)
        .await;

    let destinations = client(&server).list_destinations().await.unwrap();
    assert_eq!(destinations.len(), 2);
    let main = &destinations[0];
    assert_eq!(main.id, DestinationId::from(312));
    assert_eq!(main.destination_type, Some(DestinationType::Warehouse));
    assert_eq!(main.enabled, Some(true));
    assert_eq!(
        main.address.as_ref().unwrap().country_code.as_deref(),
        Some("US")
    );
    let partner = &destinations[1];
    assert_eq!(partner.id.as_str(), "313");
    assert_eq!(
        partner.destination_type,
        Some(DestinationType::Other("charity_partner".into()))
    );
    // `"1"` is a boolean too.
    assert_eq!(partner.enabled, Some(true));
}

#[tokio::test]
async fn one_destination_by_id() {
    let server = server().await;
    loop_mock("GET", "/destinations/312")
        .respond_with(json(200, fixture!("destination.json")))
        .expect(1)
        .mount(&server)
        .await;

    let destination = client(&server)
        .get_destination(&DestinationId::from(312))
        .await
        .unwrap();
    assert_eq!(destination.name.as_deref(), Some("Main Warehouse"));
}
