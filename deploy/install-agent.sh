#!/usr/bin/env bash
# Installs hnth-agent as a service on a room controller (Raspberry Pi OS, Debian 12 "bookworm" or 13
# "trixie").
# Safe to run again: it creates what is missing, refreshes the unit, and never overwrites the
# room's configuration or secrets once written.
#
#   sudo deploy/install-agent.sh --room ubnd-ham-yen --hub-url mqtts://hub.example.gov.vn:8883
#
# What it does: the `hnth-agent` system user (no login, member of `gpio` only), /var/lib/hnth-agent
# (its data), /etc/hnth/agent.json (from deploy/agent.example.json) and /etc/hnth/agent.env (for
# HNTH_MQTT_PASSWORD), the systemd unit (enabled and started), a polkit rule that lets the agent
# power the controller off on a low UPS, and at the end `hnth-agent doctor` as the agent's user.
# The program itself is the agent-only artefact (`npm run build:agent`:
# hnth-agent-<version>-linux-<arch>.tar.gz, natives prebuilt: no registry, no compiler on the Pi),
# unpacked into /usr/local/lib/hnth-agent by --artefact; or `npm install -g hnth-<version>.tgz`.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root=/
systemctl_on=1
room=''
hub_url=''
agent_bin=/usr/local/bin/hnth-agent
package=''
artefact=''
ca_file=''
emulator=''
agent_given=0

usage() {
  cat <<'EOF'
usage: install-agent.sh [--room ID] [--hub-url URL] [--ca FILE] [--artefact FILE.tar.gz]
                        [--package FILE.tgz] [--agent PATH] [--root DIR [--emulator PATH]]
                        [--no-systemctl]
  --room ID         the room this controller serves (needed until /etc/hnth/agent.json exists)
  --hub-url URL     the broker, mqtts://host:8883 (default: the template's)
  --ca FILE         the department's CA that signed the broker's certificate (/etc/hnth/hub-ca.pem)
  --artefact FILE   install this agent artefact (hnth-agent-<version>-linux-<arch>.tar.gz)
  --package FILE    install this hnth package with npm first (needs the registry)
  --agent PATH      run this hnth-agent program for the doctor (default /usr/local/bin/hnth-agent,
                    in the root with --root)
  --root DIR        install into DIR instead of / (an image being prepared; tests)
  --emulator PATH   with --root of another architecture: the qemu-user program in DIR that runs
                    its binaries (e.g. /usr/bin/qemu-aarch64-static)
  --no-systemctl    do not call systemctl; the unit is enabled by its symlink only
EOF
}

fail() {
  echo "install-agent: $1" >&2
  exit "${2:-1}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --room) room="${2:-}"; shift 2 ;;
    --hub-url) hub_url="${2:-}"; shift 2 ;;
    --package) package="${2:-}"; shift 2 ;;
    --artefact) artefact="${2:-}"; shift 2 ;;
    --ca) ca_file="${2:-}"; shift 2 ;;
    --emulator) emulator="${2:-}"; shift 2 ;;
    --agent) agent_bin="${2:-}"; agent_given=1; shift 2 ;;
    --root) root="${2:-}"; shift 2 ;;
    --no-systemctl) systemctl_on=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; fail "unknown option \"$1\"" 2 ;;
  esac
done

[ "$(id -u)" -eq 0 ] || fail 'run as root (sudo): it creates a system user and installs a unit' 2
[ -d "$root" ] || fail "--root $root is not a folder" 2
root="$(cd "$root" && pwd)"
# Paths below are written as on the controller; `at` places them under --root.
at() { if [ "$root" = / ]; then echo "$1"; else echo "$root$1"; fi; }
if [ -n "$room" ] && ! [[ "$room" =~ ^[a-z0-9][a-z0-9-]{0,63}$ ]]; then
  fail "--room \"$room\" is not a room id (lower-case letters, digits and dashes, e.g. ubnd-ham-yen)" 2
fi
if [ -n "$hub_url" ] && ! [[ "$hub_url" =~ ^mqtts?://[^[:space:]/]+$ ]]; then
  fail "--hub-url \"$hub_url\" must be mqtts://host:port (or mqtt:// on a closed lab network)" 2
fi
if [ -n "$artefact" ] && [ ! -f "$artefact" ]; then fail "--artefact $artefact: no such file" 2; fi
if [ -n "$ca_file" ] && ! grep -qs 'BEGIN CERTIFICATE' "$ca_file"; then
  fail "--ca $ca_file is not a PEM certificate" 2
fi
if [ -n "$emulator" ] && [ ! -x "$(at "$emulator")" ]; then
  fail "--emulator $emulator: not in $root (copy qemu-user-static's program there)" 2
fi
config="/etc/hnth/agent.json"
if [ ! -f "$(at "$config")" ] && [ -z "$room" ]; then
  fail "no $config yet: give --room ID (the room's id in the fleet)" 2
fi

step() { echo "install-agent: $1"; }

if grep -qsE '^VERSION_CODENAME=(bookworm|trixie)$' "$(at /etc/os-release)"; then :; else
  step 'warning: not Debian 12 (bookworm) or 13 (trixie); continuing'
fi

if [ -n "$package" ]; then
  step "installing $package"
  npm install --global --omit=dev --prefix "$(at /usr/local)" "$package"
fi
if [ -n "$artefact" ]; then
  [ -x "$(at /usr/bin/node)" ] || fail 'no /usr/bin/node: apt-get install nodejs (Node.js 20) first' 2
  step "installing $(basename "$artefact") into /usr/local/lib/hnth-agent"
  # Unpacked beside the running version and swapped in by rename: never half old, half new.
  lib="$(at /usr/local/lib)"
  install -d "$lib" "$(at /usr/local/bin)"
  rm -rf "$lib/hnth-agent.new" "$lib/hnth-agent.old"
  install -d "$lib/hnth-agent.new"
  tar -xzf "$artefact" -C "$lib/hnth-agent.new" --strip-components=1 --no-same-owner
  [ -f "$lib/hnth-agent.new/cli.js" ] || fail "$artefact is not an agent artefact (no hnth-agent/cli.js)" 2
  if [ -d "$lib/hnth-agent" ]; then mv "$lib/hnth-agent" "$lib/hnth-agent.old"; fi
  mv "$lib/hnth-agent.new" "$lib/hnth-agent"
  rm -rf "$lib/hnth-agent.old"
  ln -sfn ../lib/hnth-agent/cli.js "$(at /usr/local/bin/hnth-agent)"
fi

# useradd and friends edit the passwd and group files under --prefix, without a chroot.
prefix=()
[ "$root" = / ] || prefix=(--prefix "$root")
has_group() { grep -q "^$1:" "$(at /etc/group)"; }
if ! has_group gpio; then
  # Raspberry Pi OS has it, with udev rules giving it /dev/gpiochip*; plain Debian needs both.
  step 'warning: no gpio group (not Raspberry Pi OS?); creating it: give it /dev/gpiochip* with a udev rule'
  groupadd "${prefix[@]}" --system gpio
fi
if grep -q '^hnth-agent:' "$(at /etc/passwd)"; then
  usermod "${prefix[@]}" --append --groups gpio hnth-agent
else
  step 'creating the hnth-agent user'
  useradd "${prefix[@]}" --system --user-group --groups gpio --home-dir /var/lib/hnth-agent \
    --no-create-home --shell /usr/sbin/nologin --comment 'hnth room agent' hnth-agent
fi
uid="$(awk -F: '$1 == "hnth-agent" { print $3 }' "$(at /etc/passwd)")"
gid="$(awk -F: '$1 == "hnth-agent" { print $3 }' "$(at /etc/group)")"

install -d -m 0750 -o "$uid" -g "$gid" "$(at /var/lib/hnth-agent)"
install -d -m 0750 -o 0 -g "$gid" "$(at /etc/hnth)"
if [ -n "$ca_file" ]; then
  step 'installing the CA of the broker as /etc/hnth/hub-ca.pem'
  install -m 0644 "$ca_file" "$(at /etc/hnth/hub-ca.pem)"
fi

if [ -f "$(at "$config")" ]; then
  step "keeping $config"
else
  step "writing $config for room $room"
  # The template's values, with this room, its hub and the data folder the unit may write.
  HNTH_ROOM="$room" HNTH_HUB_URL="$hub_url" HNTH_CA="${ca_file:+/etc/hnth/hub-ca.pem}" node -e '
    const fs = require("node:fs");
    const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    c.roomId = process.env.HNTH_ROOM;
    c.dataDir = "/var/lib/hnth-agent";
    c.mqtt.username = process.env.HNTH_ROOM;
    c.mqtt.password = "";
    if (process.env.HNTH_HUB_URL) c.mqtt.url = process.env.HNTH_HUB_URL;
    if (process.env.HNTH_CA) c.mqtt.caFile = process.env.HNTH_CA;
    fs.writeFileSync(process.argv[2], JSON.stringify(c, null, 2) + "\n", { mode: 0o640 });
  ' "$here/agent.example.json" "$(at "$config")"
  chown "0:$gid" "$(at "$config")"
fi
env_file="/etc/hnth/agent.env"
if [ ! -f "$(at "$env_file")" ]; then
  step "writing $env_file: put the room's broker password there"
  install -m 0640 -o 0 -g "$gid" /dev/null "$(at "$env_file")"
  cat >"$(at "$env_file")" <<'EOF'
# Secrets of hnth-agent (read by its systemd unit). The password is issued on the hub with
#   hnth-hub credentials issue <room-id>
HNTH_MQTT_PASSWORD=
EOF
fi

step 'installing the systemd unit'
install -d "$(at /etc/systemd/system)"
install -m 0644 "$here/systemd/hnth-agent.service" "$(at /etc/systemd/system/hnth-agent.service)"
# The agent runs `systemctl poweroff` on a low UPS; logind asks polkit, which allows it this user.
install -d -m 0755 "$(at /etc/polkit-1/rules.d)"
cat >"$(at /etc/polkit-1/rules.d/50-hnth-agent.rules)" <<'EOF'
// hnth-agent may power the controller off on a low UPS (installed by deploy/install-agent.sh).
polkit.addRule(function (action, subject) {
  if (subject.user === "hnth-agent" &&
      (action.id === "org.freedesktop.login1.power-off" ||
       action.id === "org.freedesktop.login1.power-off-multiple-sessions")) {
    return polkit.Result.YES;
  }
});
EOF

if [ "$systemctl_on" -eq 0 ]; then
  # What `systemctl enable` does for WantedBy=multi-user.target.
  install -d "$(at /etc/systemd/system/multi-user.target.wants)"
  ln -sfn /etc/systemd/system/hnth-agent.service "$(at /etc/systemd/system/multi-user.target.wants/hnth-agent.service)"
  step 'unit enabled (not started: --no-systemctl)'
elif [ "$root" = / ]; then
  systemctl daemon-reload
  systemctl enable hnth-agent.service
  systemctl restart hnth-agent.service
  step 'unit enabled and started'
else
  systemctl --root="$root" enable hnth-agent.service
  step "unit enabled in $root"
fi

step 'running hnth-agent doctor'
# As the service runs: its user and groups, its secrets.
mapfile -t secrets < <(grep -s '^HNTH_[A-Z_]*=' "$(at "$env_file")")
set +e
if [ "$root" = / ]; then
  runuser -u hnth-agent -- env "${secrets[@]}" "$agent_bin" doctor --config "$config"
elif [ "$agent_given" -eq 1 ]; then
  # A program outside the root (an image whose agent cannot run on this machine): its paths as seen here.
  env "${secrets[@]}" "$agent_bin" doctor --config "$(at "$config")"
else
  # Inside the root, as on the controller; through qemu-user for a root of another architecture,
  # whose programs the kernel cannot start here (so node is named rather than the #! of hnth-agent).
  gpio_gid="$(awk -F: '$1 == "gpio" { print $3 }' "$(at /etc/group)")"
  command=("$agent_bin")
  if [ -n "$emulator" ]; then
    # With the V8 settings its #! line gives node.
    read -r -a node_flags < <(sed -n '1s|^#!/usr/bin/env -S node||p' "$(at /usr/local/lib/hnth-agent/cli.js)")
    command=("$emulator" /usr/bin/node "${node_flags[@]}" /usr/local/lib/hnth-agent/cli.js)
  fi
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${secrets[@]}" chroot --userspec="$uid:$gid" \
    --groups="$gpio_gid" "$root" "${command[@]}" doctor --config "$config"
fi
status=$?
set -e
if [ "$status" -ne 0 ]; then
  fail "installed, but doctor found problems (above): fix them and run: hnth-agent doctor --config $config" 3
fi
step 'done'
