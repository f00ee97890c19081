# One image for every Python process in docker-compose.yml: gunicorn (web), the Celery
# worker and Celery beat, plus the one-off `migrate` step. Each service sets its command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=outreach.config.settings

WORKDIR /app

# Requirements alone first, so that a code change does not reinstall them.
# psycopg[binary] ships its own libpq: no compiler or system packages needed.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are baked into the image and served by whitenoise. collectstatic reads the
# settings but never the database; the key below exists only for this build step.
RUN SECRET_KEY=collectstatic-only DEBUG=False python manage.py collectstatic --noinput

# Not root: a compromised worker should not own the container. /app stays read-only to
# it; Celery beat keeps its schedule file under /tmp (see docker-compose.yml).
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app
USER app

EXPOSE 8000
CMD ["gunicorn", "outreach.config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
