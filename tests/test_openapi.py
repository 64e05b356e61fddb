async def test_the_schema_lists_every_api_route_and_the_auth_schemes(client, app):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["session"] == {
        "type": "apiKey",
        "name": "weibao_session",
        "in": "cookie",
        "description": schemes["session"]["description"],
    }
    assert schemes["csrf"]["in"] == "header"
    api_paths = {r.path.replace(":str", "") for r in app.routes if r.path.startswith("/api/")}
    assert api_paths <= set(schema["paths"])
