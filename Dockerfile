# sadeeq as a container: the wheel built in one stage, installed with the pinned versions
# (constraints.txt) into a slim image that runs as an unprivileged user.
#   docker build -t sadeeq .
#   docker run --rm -p 8000:8000 --env-file .env sadeeq            # serve on :8000
#   docker run --rm --env-file .env sadeeq setup --no-demo         # any other sadeeq command
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --no-deps -w /wheels . \
 && pip wheel --no-cache-dir -c constraints.txt -w /wheels /wheels/sadeeq-*.whl

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    XDG_DATA_HOME=/var/lib/sadeeq
RUN useradd --system --uid 10001 --home-dir /var/lib/sadeeq --create-home sadeeq
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels sadeeq && rm -rf /wheels
USER sadeeq
WORKDIR /var/lib/sadeeq
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)" || exit 1
ENTRYPOINT ["sadeeq"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
