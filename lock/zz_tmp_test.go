package lock_test

import "testing"

func TestZZPrint(t *testing.T) {
	for _, reqs := range [][]string{{"transformers==4.46.3", "tokenizers>=0.21"}, {"torch==2.4.1", "triton==3.1.0"}, {"timm", "peft", "torch==2.6.0", "bitsandbytes", "xformers"}, {"transformers<4.45", "huggingface-hub>=1"}, {"torch==2.11.0"}} {
		res, _ := lockMirror(t, reqs...)
		t.Logf("%v\n%s\nstats %+v", reqs, res.Unsat, res.Stats)
	}
}
