def test_the_openapi_document_describes_the_api_from_its_schemas(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    token = spec["paths"]["/api/v1/auth/token"]["post"]
    schema_ref = token["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"username", "password"}
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_api_docs_page_loads_its_assets_from_this_server(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_pages_load_no_asset_from_another_host(client):
    page = client.get("/login").get_data(as_text=True)
    for tag in ('src="http', "src='http", 'href="http', "href='http"):
        assert tag not in page
