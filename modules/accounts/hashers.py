from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).

    Django's defaults (100 MiB, 8 lanes) cost ~0.3 s a hash on a small server: that alone would
    double signup and login times, and let a burst of logins exhaust memory. These parameters
    keep offline guessing expensive while a hash takes a few tens of milliseconds.
    """

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
