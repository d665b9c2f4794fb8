#!/usr/bin/env bash
# End-to-end run of Terraform's HCS provider against the simulator
# (`make e2e-terraform`; not part of `make test`). See docs/simulator.md,
# "Terraform end to end".
#
# It builds Terraform v1.8.5 into .cache/e2e/bin (go install, GOBIN) and the
# provider huaweicloud/hcs v2.3.7 from a checkout (HCS_PROVIDER_SRC) or takes
# a built binary (HCS_PROVIDER_BIN); without either it clones the tag itself
# and, where the network does not allow that, says what to provide. It then
# starts `ecsfleet sim serve`, points Terraform at the provider with a CLI
# config's dev_overrides, and runs, for a keypair, a server group and three
# instances:
#   plan -> apply -> plan -> (flavor and a tag changed) apply -> plan -> destroy
# printing each phase's result and time, then a Markdown table of the
# simulator's call counts per phase (/_sim/stats, reset before each phase).
# Exit status: 0 when every phase did what it should, 1 when a phase failed,
# 2 when a prerequisite is missing.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${E2E_CACHE:-$ROOT/.cache/e2e}
BIN=$CACHE/bin
TF_VERSION=1.8.5
PROVIDER_TAG=v2.3.7
PROVIDER_REPO=https://github.com/huaweicloud/terraform-provider-hcs
PORT=${E2E_SIM_PORT:-18774}
TIME_SCALE=${E2E_TIME_SCALE:-1000}
GO=${GO:-go}

say() { printf '%s\n' "$*"; }
die() { say "e2e-terraform: $*" >&2; exit 2; }

mkdir -p "$BIN" || die "cannot create $BIN"

# 1. Terraform.
TF=$BIN/terraform
if ! "$TF" version 2>/dev/null | grep -Eq "^Terraform v${TF_VERSION//./\\.}(-dev)?\$"; then
	say "== building Terraform v$TF_VERSION into $BIN"
	GOBIN=$BIN "$GO" install "github.com/hashicorp/terraform@v$TF_VERSION" ||
		die "go install github.com/hashicorp/terraform@v$TF_VERSION failed (needs the Go module proxy); or put a terraform v$TF_VERSION binary at $TF"
fi

# 2. The provider, as $BIN/provider/terraform-provider-hcs (the name
# dev_overrides looks for).
PDIR=$BIN/provider
mkdir -p "$PDIR"
if [ -n "${HCS_PROVIDER_BIN:-}" ]; then
	[ -x "$HCS_PROVIDER_BIN" ] || die "HCS_PROVIDER_BIN=$HCS_PROVIDER_BIN is not an executable"
	if ! [ "$HCS_PROVIDER_BIN" -ef "$PDIR/terraform-provider-hcs" ]; then
		cp "$HCS_PROVIDER_BIN" "$PDIR/terraform-provider-hcs" || die "cannot copy $HCS_PROVIDER_BIN"
	fi
elif [ -z "${HCS_PROVIDER_SRC:-}" ] && [ -x "$PDIR/terraform-provider-hcs" ]; then
	say "== reusing the provider built earlier: $PDIR/terraform-provider-hcs"
else
	SRC=${HCS_PROVIDER_SRC:-}
	if [ -z "$SRC" ]; then
		SRC=$CACHE/src/terraform-provider-hcs
		if [ ! -f "$SRC/go.mod" ]; then
			say "== cloning $PROVIDER_REPO $PROVIDER_TAG"
			rm -rf "$SRC"
			if ! timeout 120 git clone -q --depth 1 --branch "$PROVIDER_TAG" "$PROVIDER_REPO" "$SRC"; then
				rm -rf "$SRC"
				say "e2e-terraform: cannot clone $PROVIDER_REPO (no network?). Provide one of:" >&2
				say "  HCS_PROVIDER_SRC=<checkout of $PROVIDER_REPO at tag $PROVIDER_TAG>" >&2
				say "  HCS_PROVIDER_BIN=<terraform-provider-hcs binary built from tag $PROVIDER_TAG>" >&2
				say "and the Go module proxy for Terraform v$TF_VERSION (or a terraform binary at $TF)." >&2
				exit 2
			fi
		fi
	fi
	[ -f "$SRC/go.mod" ] || die "HCS_PROVIDER_SRC=$SRC is not a Go module checkout"
	say "== building the provider from $SRC"
	(cd "$SRC" && "$GO" build -o "$PDIR/terraform-provider-hcs" .) || die "building the provider in $SRC failed"
fi

# 3. ecsfleet, and the simulator.
say "== building ecsfleet"
(cd "$ROOT" && "$GO" build -o "$BIN/ecsfleet" ./cmd/ecsfleet) || die "building ecsfleet failed"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/e2e-terraform.XXXXXX")
SIM_PID=
cleanup() {
	if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null; fi
	if [ -z "${E2E_KEEP:-}" ]; then rm -rf "$WORK"; else say "kept $WORK"; fi
}
trap cleanup EXIT

URL=http://127.0.0.1:$PORT
"$BIN/ecsfleet" sim serve --addr "127.0.0.1:$PORT" --time-scale "$TIME_SCALE" >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 100); do
	grep -q "listening on" "$WORK/sim.log" 2>/dev/null && break
	kill -0 "$SIM_PID" 2>/dev/null || { cat "$WORK/sim.log" >&2; die "the simulator did not start"; }
	sleep 0.1
done
field() { sed -n "s/^  $1: *\([^ ]*\).*/\1/p" "$WORK/sim.log" | head -n 1; }
PROJECT_ID=$(field "project id")
REGION=$(field "region")
DOMAIN=$(field "domain")
DOMAIN_ID=$(sed -n 's/^  domain: .*(id \([0-9a-f]*\)).*/\1/p' "$WORK/sim.log" | head -n 1)
AKSK=$(sed -n 's/^  AK\/SK: *//p' "$WORK/sim.log")
SIM_AK=${AKSK%% / *}
SIM_SK=${AKSK##* / }
[ -n "$PROJECT_ID" ] && [ -n "$REGION" ] && [ -n "$DOMAIN_ID" ] && [ -n "$SIM_AK" ] ||
	die "cannot read the simulator's banner: $(cat "$WORK/sim.log")"
say "== simulator at $URL (project $PROJECT_ID, region $REGION)"

# 4. Terraform's CLI config and the configuration.
cat >"$WORK/terraformrc" <<TFRC
provider_installation {
  dev_overrides {
    "huaweicloud/hcs" = "$PDIR"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE=$WORK/terraformrc TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
mkdir -p "$WORK/tf"
cat >"$WORK/tf/main.tf" <<TF
terraform {
  required_providers {
    hcs = { source = "huaweicloud/hcs" }
  }
}

variable "flavor" { default = "c6.large.2" }
variable "tier" { default = "web" }

provider "hcs" {
  region      = "$REGION"
  project_id  = "$PROJECT_ID"
  domain_id   = "$DOMAIN_ID"
  access_key  = "$SIM_AK"
  secret_key  = "$SIM_SK"
  auth_url    = "$URL/v3"
  cloud       = "sim.local"
  insecure    = true
  max_retries = 0
  endpoints = {
    ecs      = "$URL/"
    evs      = "$URL/"
    vpc      = "$URL/"
    ims      = "$URL/"
    iam      = "$URL/"
    identity = "$URL/"
  }
}

resource "hcs_ecs_compute_keypair" "kp" {
  name       = "e2e-kp"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ7l1kq0w2sV3YFv0R9m4e0o5m5y8c2kX1mFQ0a1b2c3 e2e"
}

resource "hcs_ecs_compute_server_group" "sg" {
  name     = "e2e-group"
  policies = ["anti-affinity"]
}

resource "hcs_ecs_compute_instance" "vm" {
  count              = 3
  name               = "e2e-\${count.index}"
  image_id           = "6c3ffd33-5e6e-4bd2-9f5a-0c0e9b6f8a01"
  flavor_id          = var.flavor
  availability_zone  = "az1.dc1"
  security_group_ids = ["3a2b4c5d-0000-4000-8000-00000000c001"] # "default" of the default catalogue
  key_pair           = hcs_ecs_compute_keypair.kp.name
  system_disk_type   = "SSD"
  system_disk_size   = 40
  network {
    uuid = "2f1a3b4c-0000-4000-8000-00000000b001" # "subnet-web"
  }
  scheduler_hints {
    group = hcs_ecs_compute_server_group.sg.id
  }
  tags = { tier = var.tier }
}
TF

tf() { (cd "$WORK/tf" && "$TF" "$@" -no-color -input=false) >"$WORK/last.log" 2>&1; }
FAILED=0
NPHASE=0
PHASES=()
phase() { # name, wanted exit status, terraform args...
	local name=$1 want=$2
	shift 2
	local t0 t1 st
	curl -s -o /dev/null -X POST "$URL/_sim/stats/reset"
	t0=$(date +%s.%N)
	tf "$@"
	st=$?
	t1=$(date +%s.%N)
	NPHASE=$((NPHASE + 1))
	PHASES+=("$name")
	curl -s "$URL/_sim/stats" >"$WORK/stats-$NPHASE.json" || : >"$WORK/stats-$NPHASE.json"
	local secs
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
	local summary
	summary=$(grep -E '^(Plan:|No changes\.|Apply complete!|Destroy complete!|Error:)' "$WORK/last.log" | head -n 3 | tr '\n' ' ')
	if [ "$st" = "$want" ]; then
		printf '%-28s ok   %6ss  %s\n' "$name" "$secs" "$summary"
	else
		printf '%-28s FAIL %6ss  exit %s, want %s  %s\n' "$name" "$secs" "$st" "$want" "$summary"
		sed 's/^/    | /' "$WORK/last.log" | tail -n 40
		FAILED=1
	fi
}

say "== phases"
# plan -detailed-exitcode: 0 no changes, 2 changes.
phase "plan (create)" 2 plan -detailed-exitcode
phase "apply (create)" 0 apply -auto-approve
phase "plan (no changes)" 0 plan -detailed-exitcode
phase "apply (flavor + tag)" 0 apply -auto-approve -var flavor=c6.xlarge.2 -var tier=app
phase "plan (no changes)" 0 plan -detailed-exitcode -var flavor=c6.xlarge.2 -var tier=app
phase "destroy" 0 destroy -auto-approve -var flavor=c6.xlarge.2 -var tier=app

# Nothing left: no server, keypair or server group in the simulator.
LEFT=$(HCS_ECS_ENDPOINT=$URL HCS_PROJECT_ID=$PROJECT_ID HCS_ACCESS_KEY=$SIM_AK HCS_SECRET_KEY=$SIM_SK \
	"$BIN/ecsfleet" sim ls 2>&1 | tail -n 1)
if [ "$LEFT" = "0 servers" ] && [ -z "$(find "$WORK/tf" -name terraform.tfstate -size +0 -exec grep -l '"type": "hcs_' {} +)" ]; then
	printf '%-28s ok          %s; no resource left in the state\n' "nothing left" "$LEFT"
else
	printf '%-28s FAIL        sim ls: %s\n' "nothing left" "$LEFT"
	FAILED=1
fi

say "== simulator calls per phase (/_sim/stats, reset before each phase)"
if command -v python3 >/dev/null; then
	python3 - "$WORK" "${PHASES[@]}" <<'PY'
import json, os, sys
work, names = sys.argv[1], sys.argv[2:]
per = []
for i in range(1, len(names) + 1):
    try:
        per.append({e["pattern"]: e["count"] for e in json.load(open(os.path.join(work, "stats-%d.json" % i)))["endpoints"]})
    except (OSError, ValueError, KeyError):
        per.append({})
pats = sorted({p for d in per for p in d if not p.startswith("POST /_sim/")})
print("| endpoint | " + " | ".join(names) + " |")
print("|---|" + "---:|" * len(names))
for p in pats:
    print("| `%s` | " % p + " | ".join(str(d.get(p, 0)) for d in per) + " |")
print("| **total** | " + " | ".join("**%d**" % sum(n for p, n in d.items() if p in pats) for d in per) + " |")
PY
else
	say "(python3 is needed to tabulate the counts)"
fi
exit $FAILED
