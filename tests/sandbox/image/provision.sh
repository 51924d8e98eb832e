#!/bin/bash
# Install the sandbox Open edX platform into an image (run as root during
# `podman build`, no network):
#   /tmp/sandbox/provision.sh hawthorn|lilac|maple|redwood|verawood
#
# Expects (laid out by the Containerfile from sandbox.sh's build context):
#   /tmp/sandbox/edx-platform/   the sandbox platform (tests/sandbox/edx-platform)
#   /tmp/sandbox/requirements.txt
#                                the RELEASE's requirements file
#                                (tests/sandbox/requirements-RELEASE.txt when there
#                                is one, else tests/sandbox/requirements.txt)
#   /tmp/sandbox/wheels/         the wheels of that file (nothing else)
#   /tmp/sandbox/files/          config templates (this folder's files/)
#   Without /tmp/sandbox/requirements.txt: /tmp/sandbox/wheels/requirements.txt,
#   else every wheel of the wheelhouse is installed.
# SANDBOX_SRC overrides /tmp/sandbox (for tests).
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
umask 022

RELEASE="${1:-}"
case "$RELEASE" in
    hawthorn) GENERATION=legacy; SETTINGS=aws ;;
    # Redwood and Verawood as a native host has them: the modern layout
    # (YAML config, systemd units) and the settings module "production".
    lilac|maple|redwood|verawood) GENERATION=modern; SETTINGS=production ;;
    *) echo "usage: $0 hawthorn|lilac|maple|redwood|verawood" >&2; exit 2 ;;
esac

SRC="${SANDBOX_SRC:-/tmp/sandbox}"
APP=/edx/app/edxapp
PLATFORM=$APP/edx-platform
VENV=$APP/venvs/edxapp
PY=$VENV/bin/python
STARTS_LOG=/edx/var/log/sandbox/manage-starts.log

log() { echo "provision[$RELEASE]: $*"; }

# ---------------------------------------------------------------- users
getent group www-data >/dev/null || groupadd --system www-data
getent passwd www-data >/dev/null || useradd --system --gid www-data --home-dir /var/www --shell /usr/sbin/nologin www-data
getent passwd edxapp >/dev/null || useradd --system --user-group --home-dir $APP --no-create-home --shell /bin/bash edxapp

# ---------------------------------------------------------------- folders
install -d -m 0755 /edx /edx/app /edx/bin /edx/etc /edx/var /edx/var/log /edx/var/log/sandbox
install -d -m 0755 -o edxapp -g www-data $APP $APP/venvs
install -d -m 2770 -o edxapp -g www-data /edx/var/edxapp
install -d -m 0775 -o www-data -g www-data /edx/var/log/lms /edx/var/log/cms /edx/var/log/edx
install -d -m 0755 /edx/var/log/supervisor

# ---------------------------------------------------------------- code
log "installing the platform code"
rm -rf "$PLATFORM"
cp -a "$SRC/edx-platform" "$PLATFORM"
find "$PLATFORM" -name __pycache__ -prune -exec rm -rf {} +
sed -i "s/^RELEASE_LINE = .*/RELEASE_LINE = \"$RELEASE\"/" "$PLATFORM/openedx/core/release.py"
grep -q "^RELEASE_LINE = \"$RELEASE\"$" "$PLATFORM/openedx/core/release.py"

# what the release lacks is also absent on disk
CMDS=$PLATFORM/lms/djangoapps/certificates/management/commands
case "$RELEASE" in
    hawthorn) rm -f "$CMDS/cert_generation.py" "$CMDS/regenerate_noidv_cert.py" \
                    "$PLATFORM/lms/envs/production.py" "$PLATFORM/cms/envs/production.py" ;;
    lilac)    rm -f "$CMDS/gen_cert_report.py" "$CMDS/cert_generation.py" "$CMDS/regenerate_noidv_cert.py" \
                    "$PLATFORM/lms/envs/aws.py" "$PLATFORM/cms/envs/aws.py" ;;
    # Redwood ships what Maple ships of these (release.py
    # RELEASE_COMMANDS_REMOVED, RELEASE_SETTINGS; the sandbox emulates
    # regenerate_noidv_cert on verawood only).
    maple|redwood)
              rm -f "$CMDS/gen_cert_report.py" "$CMDS/ungenerated_certs.py" "$CMDS/regenerate_noidv_cert.py" \
                    "$PLATFORM/lms/envs/aws.py" "$PLATFORM/cms/envs/aws.py" ;;
    verawood)
              rm -f "$CMDS/gen_cert_report.py" "$CMDS/ungenerated_certs.py" \
                    "$PLATFORM/lms/envs/aws.py" "$PLATFORM/cms/envs/aws.py" ;;
esac
# The FEATURES proxy came with Ulmo, and the toolkit's detection reads the
# file: an older image must not have it.
case "$RELEASE" in
    verawood) ;;
    *) rm -f "$PLATFORM/openedx/core/lib/features_setting_proxy.py" ;;
esac
# the sandbox's own test settings are not part of a host
rm -f "$PLATFORM/lms/envs/test.py" "$PLATFORM/cms/envs/test.py"
chown -R edxapp:www-data "$PLATFORM"
chmod -R u=rwX,g=rX,o= "$PLATFORM"
chmod 0755 "$PLATFORM/manage.py"
# www-data must be able to traverse to the code and the venv
chmod 0755 $APP

# ---------------------------------------------------------------- virtualenv
log "creating the virtualenv"
python3 -m venv "$VENV"
REQ=""
for candidate in "$SRC/requirements.txt" "$SRC/wheels/requirements.txt"; do
    if [ -f "$candidate" ]; then REQ=$candidate; break; fi
done
if [ -n "$REQ" ]; then
    "$VENV/bin/pip" install --quiet --no-index --find-links "$SRC/wheels" -r "$REQ"
else
    "$VENV/bin/pip" install --quiet --no-index --find-links "$SRC/wheels" "$SRC"/wheels/*.whl
fi
chown -R edxapp:www-data "$VENV"

# ---------------------------------------------------------------- env file + helpers
{
    echo "# Environment for the edxapp platform (written by the sandbox provisioning)"
    echo "export EDX_PLATFORM_SETTINGS=\"$SETTINGS\""
    echo "export SERVICE_VARIANT_DEFAULT=\"lms\""
    # Studio reads CMS_CFG from Nutmeg on (Redwood, Verawood), STUDIO_CFG
    # before (Lilac, Maple), and STUDIO_CFG as a deprecated fallback after:
    # every modern host gets both, naming the same file, so that one
    # environment serves each line and none warns.
    if [ "$GENERATION" = modern ]; then
        echo "export LMS_CFG=\"/edx/etc/lms.yml\""
        echo "export STUDIO_CFG=\"/edx/etc/studio.yml\""
        echo "export CMS_CFG=\"/edx/etc/studio.yml\""
    fi
    echo "export PATH=\"$VENV/bin:\$PATH\""
} > $APP/edxapp_env
chown edxapp:www-data $APP/edxapp_env
chmod 0644 $APP/edxapp_env

cat > /edx/bin/python.edxapp <<EOF
#!/bin/bash
source $APP/edxapp_env
exec $VENV/bin/python "\$@"
EOF
chmod 0755 /edx/bin/python.edxapp
ln -sfn "$PLATFORM/manage.py" /edx/bin/manage.edxapp

# ---------------------------------------------------------------- configuration
log "writing the $GENERATION configuration"
python3 "$SRC/files/write_config.py" "$RELEASE" | while read -r path; do
    chown edxapp:www-data "$path"
    chmod 0640 "$path"
done

# ---------------------------------------------------------------- services
GUNICORN=$VENV/bin/gunicorn
for svc in lms cms; do
    if [ $svc = lms ]; then port=8000; else port=8010; fi
    cat > $APP/${svc}_gunicorn.py <<EOF
"""gunicorn configuration of the sandbox $svc"""
bind = "127.0.0.1:$port"
workers = 2
timeout = 300
pythonpath = "$PLATFORM"
accesslog = "-"
errorlog = "-"
EOF
    chown edxapp:www-data $APP/${svc}_gunicorn.py
    chmod 0644 $APP/${svc}_gunicorn.py
done

settings_env() { # service -> KEY=VALUE pairs
    local svc=$1
    echo "DJANGO_SETTINGS_MODULE=$svc.envs.$SETTINGS SERVICE_VARIANT=$svc"
    if [ "$GENERATION" = modern ]; then
        echo "LMS_CFG=/edx/etc/lms.yml STUDIO_CFG=/edx/etc/studio.yml CMS_CFG=/edx/etc/studio.yml"
    fi
}

if [ "$GENERATION" = legacy ]; then
    log "writing the supervisor configuration"
    install -d -m 0755 /edx/app/supervisor /edx/app/supervisor/conf.d /edx/app/supervisor/conf.available.d
    cat > /edx/app/supervisor/supervisord.conf <<'EOF'
; supervisor configuration of the edX platform (sandbox)
[unix_http_server]
file=/edx/var/supervisor/supervisor.sock
chmod=0700

[supervisord]
logfile=/edx/var/log/supervisor/supervisord.log
pidfile=/edx/var/supervisor/supervisord.pid
childlogdir=/edx/var/log/supervisor
nodaemon=false

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix:///edx/var/supervisor/supervisor.sock

[include]
files = /edx/app/supervisor/conf.d/*.conf
EOF
    install -d -m 0755 /edx/var/supervisor
    for svc in lms cms; do
        cat > /edx/app/supervisor/conf.available.d/$svc.conf <<EOF
[program:$svc]
command=$GUNICORN -c $APP/${svc}_gunicorn.py $svc.wsgi:application
user=www-data
directory=$PLATFORM
environment=$(settings_env $svc | tr ' ' '\n' | sed 's/=\(.*\)/="\1"/' | paste -sd, -)
stdout_logfile=/edx/var/log/supervisor/%(program_name)s-stdout.log
stderr_logfile=/edx/var/log/supervisor/%(program_name)s-stderr.log
killasgroup=true
stopasgroup=true
autostart=true
autorestart=true
EOF
    done
    cat > /edx/app/supervisor/conf.available.d/workers.conf <<EOF
[program:lms_default_1]
environment=$(settings_env lms | tr ' ' '\n' | sed 's/=\(.*\)/="\1"/' | paste -sd, -)
user=www-data
directory=$PLATFORM
stdout_logfile=/edx/var/log/supervisor/%(program_name)s-stdout.log
stderr_logfile=/edx/var/log/supervisor/%(program_name)s-stderr.log
command=$VENV/bin/python -m sandbox_worker
killasgroup=true
stopasgroup=true
autostart=true
autorestart=true

[group:edxapp_worker]
programs=lms_default_1
EOF
    for f in lms cms workers; do
        ln -sfn ../conf.available.d/$f.conf /edx/app/supervisor/conf.d/$f.conf
    done
    cat > /etc/systemd/system/supervisor.service <<'EOF'
[Unit]
Description=supervisord - Supervisor process control system for the edX platform
Documentation=http://supervisord.org
After=network.target mariadb.service

[Service]
ExecStart=/usr/bin/supervisord --nodaemon --configuration /edx/app/supervisor/supervisord.conf
ExecReload=/usr/bin/supervisorctl -c /edx/app/supervisor/supervisord.conf reload
ExecStop=/usr/bin/supervisorctl -c /edx/app/supervisor/supervisord.conf shutdown
KillMode=process
Restart=on-failure
RestartSec=5s

[Install]
WantedBy=multi-user.target
EOF
    cat > /edx/bin/supervisorctl <<'EOF'
#!/bin/bash
exec /usr/bin/supervisorctl -c /edx/app/supervisor/supervisord.conf "$@"
EOF
    chmod 0755 /edx/bin/supervisorctl
    UNITS="supervisor.service"
else
    log "writing the systemd units"
    for svc in lms cms; do
        {
            echo "[Unit]"
            echo "Description=edX platform $svc (gunicorn)"
            echo "After=network.target mariadb.service"
            echo
            echo "[Service]"
            echo "User=www-data"
            echo "Group=www-data"
            echo "WorkingDirectory=$PLATFORM"
            for kv in $(settings_env $svc); do echo "Environment=$kv"; done
            echo "ExecStart=$GUNICORN -c $APP/${svc}_gunicorn.py $svc.wsgi:application"
            echo "ExecReload=/bin/kill -HUP \$MAINPID"
            echo "KillMode=mixed"
            echo "Restart=on-failure"
            echo "RestartSec=2s"
            echo
            echo "[Install]"
            echo "WantedBy=multi-user.target"
        } > /etc/systemd/system/$svc.service
    done
    {
        echo "[Unit]"
        echo "Description=edX platform workers (sandbox task worker)"
        echo "After=network.target mariadb.service"
        echo
        echo "[Service]"
        echo "User=www-data"
        echo "Group=www-data"
        echo "WorkingDirectory=$PLATFORM"
        for kv in $(settings_env lms); do echo "Environment=$kv"; done
        echo "ExecStart=$VENV/bin/python -m sandbox_worker"
        echo "Restart=on-failure"
        echo "RestartSec=2s"
        echo
        echo "[Install]"
        echo "WantedBy=multi-user.target"
    } > /etc/systemd/system/edxapp-workers.service
    UNITS="lms.service cms.service edxapp-workers.service"
    # Debian's own supervisor service is not part of a modern host
    rm -f /etc/systemd/system/multi-user.target.wants/supervisor.service
fi
# The hosts of a fleet use their instance's one server (sandbox.sh up NAME
# RELEASE VOLUME runs it in its own container and shares its socket folder,
# where it leaves this marker); their own stays off.
install -d -m 0755 /etc/systemd/system/mariadb.service.d
cat > /etc/systemd/system/mariadb.service.d/sandbox-instance.conf <<'EOF'
[Unit]
ConditionPathExists=!/run/mysqld/instance-server
EOF
install -d -m 0755 /etc/systemd/system/multi-user.target.wants
ln -sfn /lib/systemd/system/mariadb.service /etc/systemd/system/multi-user.target.wants/mariadb.service
for unit in $UNITS; do
    ln -sfn /etc/systemd/system/$unit /etc/systemd/system/multi-user.target.wants/$unit
done

# ---------------------------------------------------------------- database
# MariaDB as on a native install (the old Ansible repository's edxlocal role:
# database edxapp in utf8, the platform's user edxapp001, and the separate
# user "migrate" that its edxapp-migrate scripts run migrations with, as
# DB_MIGRATION_USER / DB_MIGRATION_PASS). edxlocal grants edxapp001 ALL on
# a single box; the platform's own settings say the normal user "does not
# have enough permissions to run migrations", as on a multi-server
# deployment, and the sandbox takes that stricter side: edxapp001 may only
# read and write rows, so a migration run without the migration user fails
# here as it would there.
log "initialising MariaDB, migrating (certificates after 0001 left pending) and loading the demo data"
install -m 0644 "$SRC/files/mariadb-sandbox.cnf" /etc/mysql/mariadb.conf.d/90-sandbox.cnf
rm -rf /var/lib/mysql && install -d -m 0755 -o mysql -g mysql /var/lib/mysql /run/mysqld
# --force: a build has no name for its host (resolveip fails); the grants
# that matter are on the unix socket.
mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db --force >/var/log/mariadb-install.log 2>&1 \
    || { tail -n 30 /var/log/mariadb-install.log; exit 1; }
mariadbd --user=mysql --skip-networking --socket=/run/mysqld/mysqld.sock \
    --pid-file=/run/mysqld/provision.pid >/var/log/mariadb-provision.log 2>&1 &
for _ in $(seq 1 60); do mariadb-admin --silent ping >/dev/null 2>&1 && break; sleep 0.5; done
mariadb-admin --silent ping >/dev/null || { tail -n 30 /var/log/mariadb-provision.log; exit 1; }
DB_PASS="$(python3 "$SRC/files/write_config.py" secret mysql-edxapp001)"
MIGRATE_PASS="$(python3 "$SRC/files/write_config.py" secret mysql-migrate)"
mariadb <<SQL
CREATE DATABASE edxapp CHARACTER SET utf8 COLLATE utf8_general_ci;
CREATE USER 'edxapp001'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT SELECT, INSERT, UPDATE, DELETE ON edxapp.* TO 'edxapp001'@'localhost';
CREATE USER 'migrate'@'localhost' IDENTIFIED BY '$MIGRATE_PASS';
GRANT ALL PRIVILEGES ON edxapp.* TO 'migrate'@'localhost';
SQL
run_as_edxapp() {
    # shellcheck disable=SC2046
    if command -v runuser >/dev/null; then
        runuser -u edxapp -- env HOME=$APP $(settings_env lms) SANDBOX_MANAGE_LOG=/nonexistent/manage-starts.log \
            DB_MIGRATION_USER=migrate DB_MIGRATION_PASS="$MIGRATE_PASS" "$@"
    else
        sudo -u edxapp -H env $(settings_env lms) SANDBOX_MANAGE_LOG=/nonexistent/manage-starts.log \
            DB_MIGRATION_USER=migrate DB_MIGRATION_PASS="$MIGRATE_PASS" "$@"
    fi
}
(cd "$PLATFORM" && run_as_edxapp "$PY" manage.py lms --settings="$SETTINGS" shell -c \
    "from openedx.core.djangoapps.sandbox.image_setup import setup; setup()")
mariadb-admin shutdown
wait
find "$PLATFORM" -name __pycache__ -prune -exec chown -R edxapp:www-data {} +

# ---------------------------------------------------------------- start log, cleanup
: > "$STARTS_LOG"
chmod 0666 "$STARTS_LOG"
log "done"
rm -rf "$SRC"
