"""The project's ModelSerializer builds its fields once per class and language, and hands each serializer a copy."""

from django.utils import translation
from rest_framework import serializers

from vendors.serializers import VendorSerializer


def test_the_fields_are_built_from_the_model_once_per_class_and_language(monkeypatch):
    VendorSerializer.__dict__.get("_built_fields", {}).clear()
    built = []
    real = serializers.ModelSerializer.build_field

    def counted(self, *args, **kwargs):
        built.append(args[0])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(serializers.ModelSerializer, "build_field", counted)
    with translation.override("en"):
        first = VendorSerializer().fields
        once = len(built)
        second = VendorSerializer().fields
    assert once and len(built) == once
    with translation.override("ko"):
        assert "name" in VendorSerializer().fields
    assert len(built) == 2 * once
    # Each serializer has its own fields, bound to it.
    assert first["name"] is not second["name"] and first["name"].parent is not second["name"].parent


def test_a_field_is_labelled_in_the_language_of_the_request_whichever_was_built_first():
    VendorSerializer.__dict__.get("_built_fields", {}).clear()
    with translation.override("en"):
        assert str(VendorSerializer().fields["name"].label) == "Name"
    with translation.override("ko"):
        korean = str(VendorSerializer().fields["name"].label)
    assert korean != "Name"
    with translation.override("en"):
        assert str(VendorSerializer().fields["data_location"].label) == "Data location"


def test_a_copy_changed_by_one_serializer_leaves_the_next_one_alone():
    one = VendorSerializer()
    one.fields["name"].read_only = True
    del one.fields["reference"]
    other = VendorSerializer()
    assert not other.fields["name"].read_only and "reference" in other.fields
