from volunteer_app.accounts import services
from volunteer_app.core.jobs import Job
from volunteer_app.core.time import Clock


def purge_expired_tokens(clock: Clock) -> int:
    return services.purge_expired_tokens(clock.now())


JOBS = [Job("accounts.purge_expired_tokens", purge_expired_tokens, seconds=3600)]
