package reqfile

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/fakes"
)

// trickyFiles are small requirements files on the edges of pip's reader.
// Each is read by pip and by us, and everything is compared: accepted or
// rejected, and every field of every requirement, and the options.
var trickyFiles = []string{
	"numpy\n",
	"numpy==1.26.4\npandas>=2,<3\n",
	"diffusers=0.21.4\n",
	"torch (>=2.8\n",
	"foo==1.0 \\\n    --hash=sha256:abc \\\n    --hash sha256:def\n",
	"foo==1.0 --hash=md5:abc\n",
	"foo==1.0 --hash=abc\n",
	"foo==1.0 --hash\n",
	"--hash=sha256:abc\nfoo\n",
	"foo \\\n# comment\nbar\n",
	"foo \\\n  # comment \\\nbar\n",
	"foo\\\n",
	"\\\\foo\\\\\n",
	"foo \\\n\\\nbar==1\n",
	"\\\nfoo\n  \\\n  bar\n",
	"\\\n\n# c\nfoo\n",
	"file:../rel/pkg-1.0.tar.gz#egg=pkg\n",
	"file:./rel/pkg-1.0-py3-none-any.whl\n",
	"file:///a/../b/pkg#egg=pkg\n",
	"pkg @ file:../x.tar.gz\n",
	"foo --only-binary foo\n",
	"--no-binary :all: --only-binary=A_a,b\n--no-binary b\n--only-binary :none:,c\n",
	"# comment\n   # indented comment\n\n\nfoo # trailing\nbar#not-a-comment\n",
	"https://example.com/pkg.tar.gz#egg=pkg\n",
	"https://example.com/pkg.tar.gz#sha256=abc\n",
	"https://example.com/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl\n",
	"https://example.com/flash_attn-2.8.3%2Bcu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl ; python_version >= '3.12'\n",
	"https://example.com/x.whl\n",
	"https://example.com/x-1.0-py3-none-any.whl;python_version>'3'\n",
	"git+https://github.com/org/repo.git@v1.0#egg=repo\n",
	"git+https://github.com/org/repo.git@main\n",
	"git+https://github.com/org/repo.git@main#egg=repo[extra]\n",
	"git+https://github.com/org/repo.git#egg=repo&subdirectory=sub\n",
	"GIT+HTTPS://github.com/org/repo.git#egg=Repo\n",
	"repo @ git+https://github.com/org/repo.git@v1 ; sys_platform == 'linux'\n",
	"repo @ https://example.com/repo-1.0.tar.gz\n",
	"name@https://example.com/name-1.0-py3-none-any.whl\n",
	"pkg[a,b]>=1.0; python_version<'3.11' and extra == 'x'\n",
	"pkg[a, b] >= 1.0 , < 2\n",
	"pkg;python_version>'3.8'\n",
	"pkg ; \n",
	"pkg ; python_version >\n",
	"pkg ; os_name == 'nt' or (sys_platform=='linux' and platform_machine=='x86_64')\n",
	"./local/pkg\n",
	"./local/pkg[dev]\n",
	"./local/pkg ; python_version >= '3.9'\n",
	"./dist/pkg-1.0-py3-none-any.whl\n",
	"./dist/pkg-1.0.tar.gz\n",
	"dist/pkg_name-2.0-cp310-cp310-linux_x86_64.whl[extra]\n",
	"-e ./local/pkg\n",
	"-e ./local/pkg[dev,test]\n",
	"-e git+https://github.com/org/repo.git#egg=repo\n",
	"-e git+https://github.com/org/repo.git\n",
	"-e https://example.com/repo.tar.gz\n",
	"--editable=git+https://github.com/org/repo.git@v2#egg=repo\n",
	"-egit+https://github.com/org/repo.git#egg=repo\n",
	"-e git+https://github.com/org/repo.git#egg=repo --config-settings key=value -C k2=v2 -C key=v3\n",
	"-e git+https://github.com/org/repo.git#egg=repo ; python_version > '3'\n",
	"-i https://index.example/simple\nfoo\n",
	"--index-url=https://index.example/simple\n--extra-index-url https://extra.example/simple\n",
	"--extra-index-url https://a.example\n-i https://b.example\n--extra-index-url https://c.example\n",
	"--no-index\n-i https://b.example\n--extra-index-url https://c.example\n-f ./wheels\n",
	"-f https://links.example/a -f https://links.example/b\n",
	"--find-links=https://links.example/\n--trusted-host links.example\n--trusted-host other.example:8080\n",
	"--pre\n--prefer-binary\n--require-hashes\n",
	"--only-binary :all:\n--no-binary torch,Flash_Attn\n",
	"--no-binary :all:\n--only-binary numpy\n",
	"--only-binary=:none:\n",
	"--no-binary\n",
	"--use-feature fast-deps\n--use-feature=truststore\n",
	"--use-feature nope\n",
	"--unknown-option\n",
	"-x foo\n",
	"--index https://abbrev.example/simple\n",
	"--ext https://abbrev.example/simple\n",
	"--no https://abbrev.example/simple\n",
	"--pre=yes\n",
	"-i\n",
	"--index-url 'https://quoted.example/simple'\n",
	"--index-url \"https://unterminated.example\n",
	"--pre extra words here\n",
	"torch==2.8.0 --index-url https://download.pytorch.org/whl/cu128\n",
	"torch --pre --extra-index-url https://download.pytorch.org/whl/nightly/cpu\n",
	"foo --global-option=--no-user-cfg --global-option --quiet\n",
	"foo -C a=1 --config-settings=b=2\n",
	"foo -C novalue\n",
	"zipp==3.21.0--extra-index-url https://download.pytorch.org/whl/cu113\n",
	"webdataset--extra-index-url https://download.pytorch.org/whl/cu121\n",
	"pip>=23.0.0git+https://github.com/org/x.git\n",
	"foo==1.0 -e ./other\n",
	"--requirement\n",
	"pkg==1.0;python_version<\"3.11\"\n",
	"pkg===1.0.local\n",
	"pkg==1.0.*\n",
	"pkg~=1.4.5\n",
	"pkg!=1.5\n",
	"Pkg.Name_with-Mixed==1\n",
	"\xEF\xBB\xBFnumpy\n",
	"numpy\r\npandas\r\n",
	"numpy\rpandas\n",
	"numpy\x0cpandas\n",
	"numpy\u2028pandas\n",
	"numpy\t# tab comment\n",
	"foo==1.0\t--hash=sha256:abc\n",
	"foo ==1.0 --hash=sha256:abc\n",
	"pkg @ file:///abs/path/pkg-1.0.tar.gz\n",
	"file:///abs/path/pkg\n",
	"file:///abs/path/pkg#egg=pkg\n",
	"pkg @ ./relative.tar.gz\n",
	"ftp://example.com/pkg-1.0.tar.gz\n",
	"hg+https://hg.example/repo#egg=repo\n",
	"svn+https://svn.example/repo#egg=repo\n",
	"-r\n",
	"--constraint=\n",
	"https://example.com/bad-wheel.whl\n",
	"pkg[extra\n",
	"pkg @\n",
	"-e .\n",
	"-e ./editable#egg=name\n",
	"./local/dir with space\n",
}

// TestTrickyLinesAgainstPip compares our reading of trickyFiles with pip's.
func TestTrickyLinesAgainstPip(t *testing.T) {
	dir := t.TempDir()
	cwd := filepath.Join(dir, "cwd")
	if err := os.Mkdir(cwd, 0o755); err != nil {
		t.Fatal(err)
	}
	var files []string
	for i, content := range trickyFiles {
		f := filepath.Join(dir, "req"+strconv.Itoa(i)+".txt")
		if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	makePathDirs(t, cwd, files)
	res := runPip(t, cwd, files, nil, dir)
	comparePip(t, cwd, files, res, nil)
	accepted := 0
	for _, r := range res {
		if r.OK {
			accepted++
		}
	}
	t.Logf("%d files: %d accepted, %d rejected by both", len(files), accepted, len(files)-accepted)
}

// TestIncludesAgainstPip compares a tree of -r and -c includes, with
// ${VAR} expansion, against pip.
func TestIncludesAgainstPip(t *testing.T) {
	dir := t.TempDir()
	tree := map[string]string{
		"main.txt":             "-r sub/b.txt\n--constraint c.txt\nfoo==1 ; python_version > '3'\n-r ${SUBDIR}/v.txt\n",
		"sub/b.txt":            "bar\n-r ../d.txt\n--extra-index-url https://x.example/${UNSET_VAR}/simple\n",
		"d.txt":                "dep>=2\n",
		"c.txt":                "baz==1\n-r e.txt\n-c sub/../f.txt\n",
		"e.txt":                "qux  # from a constraints file, but -r: a requirement\n",
		"f.txt":                "pinned==3\n",
		"vars/v.txt":           "${PKG}==${VERSION}\n--find-links https://f.example/${EMPTY}x\n",
		"pre-requirements.txt": "pip>=23\n",
	}
	fakes.WriteTree(t, dir, tree)
	env := map[string]string{"SUBDIR": "vars", "PKG": "torch", "VERSION": "2.8.0", "EMPTY": ""}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	files := []string{filepath.Join(dir, "main.txt"), filepath.Join(dir, "pre-requirements.txt")}
	res := runPip(t, dir, files, []string{"SUBDIR=vars", "PKG=torch", "VERSION=2.8.0", "EMPTY="})
	if n := comparePip(t, dir, files, res, getenv); n != 8 {
		t.Errorf("compared %d requirements, want 8", n)
	}
	f, err := ParseFile(files[0], ParseOptions{Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Files) != 7 {
		t.Errorf("Files = %q, want 7 files", f.Files)
	}
}

// fragments are the pieces TestRandomLinesAgainstPip builds lines from:
// the tokens pip's reader treats specially, and ordinary text.
var fragments = []string{
	"foo", "Bar_baz", "pkg", "==1.0", ">=2", ",<3", "~=1.4", "===x", "=1", " ", "  ", "\t",
	"\\\n", "\n", "\r\n", "#", " # c", "#egg=foo", ";", "; ", " ; ", "python_version >= '3.9'",
	"sys_platform == \"linux\"", " and ", "extra == 'x'", "[x]", "[x, y]", "[", "]", "@", " @ ",
	"https://h.example/a-1.0-py3-none-any.whl", "https://h.example/a-1.0.tar.gz",
	"git+https://h.example/r.git@v1", "file:///abs/p", "./p", "./w/q-2.0-py3-none-any.whl",
	"-e ", "-e", "--editable=", "--hash=sha256:ab", "--hash sha384:cd", "--hash=md5:ef",
	"-C k=v", "--config-settings=k=v", "--global-option=-q", "--pre", "--prefer-binary",
	"-i https://i.example", "--index-url=https://i.example", "--extra-index-url https://e.example",
	"--no-index", "-f ./links", "--find-links=https://f.example", "--trusted-host h.example",
	"--only-binary :all:", "--no-binary=foo", "--require-hashes", "--use-feature=fast-deps",
	"--ind", "--no", "-x", "--", "'", "\"", "'q w'", "\\", "${A}", "${B_1}", "${lower}", "$A",
	"(", ")", "<", ">", "!", "*", ".*", "+local", "é", "\u00a0", "\x0c",
}

// TestRandomLinesAgainstPip builds random requirements files from
// fragments (a fixed seed, so the same files every run) and compares our
// reading with pip's. ZGPU_PIP_RANDOM sets how many files (default 400),
// ZGPU_PIP_SEED the seed (default 1).
func TestRandomLinesAgainstPip(t *testing.T) {
	n := 400
	if s := os.Getenv("ZGPU_PIP_RANDOM"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	seed := uint64(1)
	if s := os.Getenv("ZGPU_PIP_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	dir := t.TempDir()
	cwd := filepath.Join(dir, "cwd")
	if err := os.Mkdir(cwd, 0o755); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"A": "aa", "B_1": ">=1"}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var files []string
	for i := 0; i < n; i++ {
		var b strings.Builder
		for j := rng.IntN(8) + 1; j > 0; j-- {
			b.WriteString(fragments[rng.IntN(len(fragments))])
		}
		f := filepath.Join(dir, "r"+strconv.Itoa(i)+".txt")
		if err := os.WriteFile(f, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	makePathDirs(t, cwd, files, getenv)
	res := runPip(t, cwd, files, []string{"A=aa", "B_1=>=1"}, dir)
	reqs := comparePip(t, cwd, files, res, getenv)
	ok := 0
	for _, r := range res {
		if r.OK {
			ok++
		}
	}
	t.Logf("%d random files: %d read by both (%d requirements), %d rejected by both", n, ok, reqs, n-ok)
}
