//! Context endpoints against wiremock: destinations (warehouse routing) and
//! orders (sales channel).

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
        Some(DestinationType::Unknown("charity_partner".into()))
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

#[tokio::test]
async fn an_order_gives_its_sales_channel() {
    let server = server().await;
    loop_mock("GET", "/orders/88120045")
        .respond_with(json(200, fixture!("order.json")))
        .expect(1)
        .mount(&server)
        .await;

    let order = client(&server)
        .get_order(&loop_client::OrderId::from(88_120_045))
        .await
        .unwrap();
    assert_eq!(order.sales_channel(), Some("Online Store"));
    assert_eq!(order.source.as_deref(), Some("shopify"));
    assert!(order.extra.contains_key("total_price"));
}
