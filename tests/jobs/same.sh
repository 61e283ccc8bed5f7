# jobs/same.sh, sourced by the -j comparisons of tests/jobs (scratch,
# fail and JOBS set by the caller; JOBS: the -j values, the first being
# the reference).
#
# same LABEL ARGS...: ARGS with -j J for each J, each run in a folder of
# its own: standard output, standard error, exit status and the files
# the run makes there (an archive out*.tar unpacked: its members are
# dated now) must be the same for every J.  fail=1 on a difference, or
# when nothing came out at all, which would prove nothing.
same() {
	_label=$1
	shift
	for _j in $JOBS; do
		_r=$scratch/run$_j
		rm -rf "$_r"
		mkdir -p "$_r"
		(cd "$_r" && "$@" -j $_j >stdout 2>stderr; echo $? >status)
		for _a in "$_r"/out*.tar; do
			[ -f "$_a" ] || continue
			mkdir -p "$_r/unpacked" &&
			    tar -xf "$_a" -C "$_r/unpacked" && rm -f "$_a"
		done
	done
	_ref=${JOBS%% *}
	for _j in ${JOBS#* }; do
		if ! diff -r "$scratch/run$_ref" "$scratch/run$_j" \
		    >"$scratch/diff"; then
			echo "FAIL jobs: $_label: -j $_j differs from -j $_ref:"
			head -20 "$scratch/diff"
			fail=1
		fi
	done
	# A refusal (one file for many logs) is the same too.
	_r=$scratch/run$_ref
	if ! [ -s "$_r/stdout" ] && ! [ -e "$_r/out" ] &&
	    ! [ -e "$_r/unpacked" ] && ! [ -s "$_r/stderr" ]; then
		echo "FAIL jobs: $_label: no output"
		fail=1
	fi
}
