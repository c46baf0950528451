using Loyalty.Members.Import;

namespace Loyalty.Members.Tests.Import;

public sealed class TransactionRowsTests
{
    [Fact]
    public void A_csv_transaction_carries_its_payment_method_and_each_line_its_brand()
    {
        string[] header = ["externalId", "memberExternalId", "occurredAt", "currency", "total", "paymentMethod", "sku", "quantity", "unitPrice", "brand"];
        Assert.Null(TransactionRows.CheckHeader(header));

        var (request, field, reason) = TransactionRows.Parse(
        [
            Row(1, ("externalId", "T-1"), ("memberExternalId", "shop-1"), ("occurredAt", "2026-11-20T17:45:00Z"), ("currency", "EUR"), ("total", "1500"),
                ("paymentMethod", "card"), ("sku", "runner"), ("quantity", "1"), ("unitPrice", "1000"), ("brand", "acme")),
            Row(2, ("externalId", "T-1"), ("sku", "socks"), ("quantity", "1"), ("unitPrice", "500")),
        ]);

        Assert.Equal((null, null), (field, reason));
        Assert.Equal("card", request!.PaymentMethod);
        Assert.Equal(["acme", null], request.Lines!.Select(l => l.Brand));
    }

    [Fact]
    public void An_ndjson_transaction_carries_its_attributes_and_its_lines_attributes()
    {
        var (request, _, _) = TransactionRows.Parse([new ImportRow(1, null, """
            {"externalId":"T-1","memberExternalId":"shop-1","occurredAt":"2026-11-20T17:45:00Z","currency":"EUR","total":1000,"paymentMethod":"cash",
             "attributes":{"campaign":"bf"},"lines":[{"sku":"runner","brand":"acme","quantity":1,"unitPrice":1000,"attributes":{"color":"red"}}]}
            """.ReplaceLineEndings(""))]);

        Assert.Equal(("cash", "bf", "acme", "red"), (request!.PaymentMethod, request.Attributes!["campaign"], request.Lines![0].Brand, request.Lines[0].Attributes!["color"]));
    }

    [Fact]
    public void Leaving_the_new_fields_out_keeps_the_fingerprint_of_a_request_from_before_they_existed()
    {
        var (request, _, _) = TransactionRows.Parse([new ImportRow(1, null,
            """{"externalId":"T-1","memberExternalId":"shop-1","occurredAt":"2026-11-20T17:45:00Z","currency":"EUR","total":1000,"lines":[{"sku":"a","quantity":1,"unitPrice":1000}]}""")]);

        var json = System.Text.Json.JsonSerializer.Serialize(request);
        Assert.DoesNotContain("PaymentMethod", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Attributes", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Brand", json, StringComparison.Ordinal);
        Assert.NotEqual(request!.Hash(), (request with { PaymentMethod = "card" }).Hash());
    }

    private static ImportRow Row(long line, params (string Name, string Value)[] columns) =>
        new(line, columns.ToDictionary(c => c.Name, c => c.Value, StringComparer.OrdinalIgnoreCase), null);
}
