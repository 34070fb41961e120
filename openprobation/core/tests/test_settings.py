def test_settings_are_for_tests(settings):
    assert settings.TESTING
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
