# npm-fetch.sh — sourced by fetch-corpora.sh and fetch-peers.sh: fetch a
# pinned npm package with `npm pack`, check its tarball's sha256, and keep
# only the named files in $dir/<name>, with a stamp so that a rerun costs
# nothing. The caller sets $dir and $me (the name its messages carry).

die() {
	printf '%s: error: %s\n' "$me" "$*" >&2
	exit 1
}
command -v npm >/dev/null || die "npm is needed (apt-get install npm)"

fetch() { # name version sha256 files...
	local name=$1 version=$2 sha=$3
	shift 3
	local dest="$dir/$name"
	if [[ $(cat "$dest/stamp" 2>/dev/null) == "$version $sha" ]]; then
		return 0
	fi
	printf '%s: fetching %s@%s\n' "$me" "$name" "$version" >&2
	mkdir -p "$dir"
	local tmp
	tmp=$(mktemp -d "$dir/.fetch.XXXXXX")
	(cd "$tmp" && npm pack --silent "$name@$version" >/dev/null) || { rm -rf "$tmp"; die "npm pack $name@$version failed"; }
	[[ $(sha256sum "$tmp/$name-$version.tgz" | cut -d' ' -f1) == "$sha" ]] ||
		{ rm -rf "$tmp"; die "$name-$version.tgz checksum mismatch"; }
	tar --no-same-owner -xzf "$tmp/$name-$version.tgz" -C "$tmp" "${@/#/package/}"
	rm -rf "$dest"
	mv "$tmp/package" "$dest"
	echo "$version $sha" >"$dest/stamp"
	rm -rf "$tmp"
}
