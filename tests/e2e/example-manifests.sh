#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Static checks of every Pod manifest under examples/ (examples/*/pod*.yaml), parsed with
# yamlpaths (libyaml): one YAML document that is a Pod podman and Kubernetes accept as written
# for this project's hosts (apiVersion v1, kind Pod, restartPolicy Never, every container with
# a localhost/ image and imagePullPolicy Never), volume names prefixed with the pod's name
# (podman 4.3 makes an emptyDir a volume of that name, global to the host), every mount naming
# a declared volume. For pod.baton.yaml also: baton comes from an init container running
# `baton install /baton-bin` into a volume every baton container mounts at /baton-bin; every
# baton container mounts one shared volume at /run/baton; every --after names a container that
# publishes that --name; and stripped of baton, each container runs what it runs in pod.yaml.
# Running them is the job of ipc-pod.sh and shared-volume-pod.sh.
# Usage: example-manifests.sh YAMLPATHS. Exit 0 passed, 1 failed.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

yamlpaths=${1:?usage: example-manifests.sh YAMLPATHS}
work=$(mktemp -d "${TMPDIR:-/tmp}/baton-manifests.XXXXXX")
trap 'rm -rf "$work"' EXIT

# get PATHS-FILE PATH: the value at PATH, empty when there is none.
get() { awk -F'\t' -v p="$2" '$1 == p { print $2; exit }' "$1"; }
# items PATHS-FILE PATH: the scalar items of the sequence at PATH, one a line.
items() { awk -F'\t' -v p="$2" 'index($1, p "[") == 1 && substr($1, length(p) + 2) ~ /^[0-9]+\]$/ { print $2 }' "$1"; }
# count PATHS-FILE PATH: how many items the sequence at PATH has.
count() {
	awk -F'\t' -v p="$2" 'index($1, p "[") == 1 { s = substr($1, length(p) + 2); sub(/\].*/, "", s); n[s] = 1 }
		END { c = 0; for (k in n) c++; print c }' "$1"
}
dns_label() { [[ $1 =~ ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$ ]]; }
# program_of "CMD...": what follows the first --, or all of it when there is no --.
program_of() {
	case " $1 " in
	*' -- '*) printf '%s\n' "${1#* -- }" ;;
	*) printf '%s\n' "$1" ;;
	esac
}
baton_opts_of() { # the options baton is given, up to --
	case " $1 " in
	*' -- '*) printf '%s\n' "${1%% -- *}" ;;
	esac
}

manifests=$(find "$e2e_repo/examples" -name 'pod*.yaml' | sort)
e2e_check "examples hold Pod manifests" test -n "$manifests"
for f in $manifests; do
	rel=${f#"$e2e_repo"/}
	p=$work/${rel//\//_}.paths
	if ! e2e_yamlpaths "$yamlpaths" "$f" >"$p"; then
		e2e_check "$rel: one valid YAML document" false
		continue
	fi
	e2e_check "$rel: one valid YAML document" true
	e2e_check "$rel: apiVersion v1, kind Pod" \
		test "$(get "$p" apiVersion) $(get "$p" kind)" = "v1 Pod"
	pod=$(get "$p" metadata.name)
	e2e_check "$rel: metadata.name '$pod' is a DNS label" dns_label "$pod"
	e2e_check "$rel: restartPolicy Never" test "$(get "$p" spec.restartPolicy)" = Never

	vnames=$(for ((v = 0; v < $(count "$p" spec.volumes); v++)); do get "$p" "spec.volumes[$v].name"; done)
	bad=
	for v in $vnames; do
		case $v in "$pod"-*) ;; *) bad="$bad $v" ;; esac
	done
	e2e_check "$rel: volume names start with '$pod-'${bad:+ (not:$bad)}" test -z "$bad"
	e2e_check "$rel: volume names are unique" test "$(sort <<<"$vnames" | uniq -d)" = ""

	publishers=' '
	afters=
	install_vol=
	rundirs=
	for kind in initContainers containers; do
		for ((c = 0; c < $(count "$p" "spec.$kind"); c++)); do
			at="spec.${kind}[$c]"
			name=$(get "$p" "$at.name")
			e2e_check "$rel: $kind $name: a DNS label" dns_label "$name"
			image=$(get "$p" "$at.image")
			e2e_check "$rel: $name: image $image is local (localhost/)" \
				test "${image#localhost/}" != "$image"
			e2e_check "$rel: $name: imagePullPolicy Never" \
				test "$(get "$p" "$at.imagePullPolicy")" = Never
			mounts=
			for ((m = 0; m < $(count "$p" "$at.volumeMounts"); m++)); do
				v=$(get "$p" "$at.volumeMounts[$m].name")
				mounts="$mounts$v=$(get "$p" "$at.volumeMounts[$m].mountPath")"$'\n'
				e2e_check "$rel: $name: mounts declared volume $v" grep -qxF "$v" <<<"$vnames"
			done
			cmd=$(items "$p" "$at.command" | tr '\n' ' ')
			cmd=${cmd% }
			case $cmd in
			'/usr/local/bin/baton install /baton-bin')
				install_vol=$(printf '%s' "$mounts" | sed -n 's|=/baton-bin$||p')
				;;
			'/baton-bin/baton '*)
				opts=$(baton_opts_of "$cmd")
				if [[ " $opts " =~ \ --name\ ([^ ]+)\  ]]; then
					publishers="$publishers${BASH_REMATCH[1]} "
				fi
				if [[ " $opts " =~ \ --after\ ([^ ]+)\  ]]; then
					afters="$afters ${BASH_REMATCH[1]//,/ }"
				fi
				e2e_check "$rel: $name: mounts the installed baton at /baton-bin" \
					e2e_has_line "$mounts" "${install_vol:-?}=/baton-bin"
				rundir=$(printf '%s' "$mounts" | sed -n 's|=/run/baton$||p')
				e2e_check "$rel: $name: mounts a volume at /run/baton (baton's --dir)" \
					test -n "$rundir"
				rundirs="$rundirs$rundir"$'\n'
				;;
			esac
			if [ "$kind" = containers ]; then
				printf '%s\t%s\n' "$name" "$(program_of "$cmd")" >>"$work/${f//\//_}.programs"
			fi
		done
	done
	case $f in
	*.baton.yaml)
		e2e_check "$rel: an init container runs 'baton install /baton-bin'" test -n "$install_vol"
		e2e_check "$rel: the baton containers share one /run/baton volume" \
			test "$(printf '%s' "$rundirs" | sort -u | wc -l)" -eq 1
		for a in $afters; do
			e2e_check "$rel: --after $a names a container's --name" \
				e2e_has_match "$publishers" " $a "
		done
		;;
	esac
done

# Stripped of baton, the pods run the same programs (block scalars, such as the client's
# script, compare as <text>).
for f in $manifests; do
	case $f in *.baton.yaml) ;; *) continue ;; esac
	racy=${f%.baton.yaml}.yaml
	[ -f "$racy" ] || continue
	e2e_check "${f#"$e2e_repo"/}: without baton each container runs what it runs in ${racy#"$e2e_repo"/}" \
		diff -u "$work/${racy//\//_}.programs" "$work/${f//\//_}.programs"
done

e2e_done
