from backend.assets import catalog


def test_every_system_named_in_the_issue_exists_with_zh_and_en_names():
    wanted = {
        "surveillance",
        "access_control",
        "alarm",
        "intercom",
        "patrol",
        "broadcast",
        "perimeter",
        "ups",
        "network",
        "cabling",
        "linkage_platform",
        "electronic_police",
        "checkpoint",
        "dome_camera",
        "signal_light",
        "body_camera",
        "collection_station",
    }
    assert wanted <= set(catalog.SYSTEMS_BY_KEY)
    assert all(s.zh and s.en for s in catalog.SYSTEM_TYPES)


def test_keys_are_unique_and_every_device_type_belongs_to_a_known_system():
    assert len(catalog.SYSTEMS_BY_KEY) == len(catalog.SYSTEM_TYPES)
    assert len(catalog.DEVICE_TYPES_BY_KEY) == len(catalog.DEVICE_TYPES)
    assert all(d.system in catalog.SYSTEMS_BY_KEY for d in catalog.DEVICE_TYPES)
    assert {d.key for d in catalog.device_types_for("signal_light")} >= {"signal_head"}


def test_systems_are_found_by_key_chinese_or_english_name_in_any_case():
    index = catalog.SYSTEM_INDEX
    for text in ("监控系统", "监控", "Video Surveillance", "surveillance", " video_surveillance"):
        assert catalog.lookup(index, text) == "surveillance", text
    assert catalog.lookup(index, "ups") == catalog.lookup(index, "UPS电源系统") == "ups"
    assert catalog.lookup(index, "火星系统") is None


def test_names_do_not_collide_across_systems():
    for entries in (catalog.SYSTEM_TYPES, catalog.DEVICE_TYPES):
        index = catalog.name_index(entries)
        for entry in entries:
            assert catalog.lookup(index, entry.zh) == entry.key
            assert catalog.lookup(index, entry.en) == entry.key
