package main

// corpusPending lists, per mode, the checks each corpus folder still fails
// (space-separated: lost, stable, refused, pipreads): issue 10 is not done.
// See corpus_accept_test.go; the list may only shrink.
var corpusPending = map[string]map[string]string{
	"offline": {
		"009-image-to-3d-asset": "refused",
		"042-triposr":           "refused",
		"066-emu3":              "refused",
		"071-pshuman-hf":        "refused",
	},
	"no-lock": {
		"009-image-to-3d-asset": "refused",
		"066-emu3":              "refused",
		"071-pshuman-hf":        "refused",
	},
	"lock": {
		"001-guns-ai-studio":       "refused",
		"002-anysplat-gpu":         "refused",
		"003-rasopathy-rephrase":   "refused",
		"004-liveportrait-zerogpu": "refused",
		"005-audioclone-zerogpu":   "refused",
		"006-multimodal-ocr3":      "refused",
		"007-deepseek-ocr2":        "refused",
		"008-hy-world-2":           "refused",
		"009-image-to-3d-asset":    "refused",
		// 010 and 056 were written only because the lock was skipped: their
		// PyTorch index line (cu130, cu128) was unreachable. The line is gone
		// now (no line needs it: PyPI's torch is that build), the lock or the
		// export's check runs on the mirror, which lacks transformers 5.14.1
		// (010) and wetextprocessing (056); PyPI has both.
		"010-qwen-image-edit-2511":    "refused",
		"011-linum-v2-t2v":            "refused",
		"012-core-ocr":                "refused",
		"013-multimodal-ocr2":         "refused",
		"014-visionscope-r2":          "refused",
		"016-cua-gui-operator":        "refused",
		"017-sam3-image-seg":          "refused",
		"018-ltx2-dolly-fa3":          "refused",
		"019-qwen3-tts-daggr":         "refused",
		"020-glm-ocr-demo":            "refused",
		"021-multimodal-vlm-thinking": "refused",
		"023-gemma3-multimodal":       "refused",
		"024-imagineo-chat":           "refused",
		"025-face-swap-roop":          "refused",
		"026-flux1-dev-4bit":          "refused",
		"027-anychat":                 "refused",
		"029-f5-tts":                  "refused",
		// The trimmed test mirror lists absl-py 2.2.2 without its files
		// (404): before issue 13 that failure was hidden by the unlocked
		// fallback (exit 0, ranges kept); it is now reported (exit 1).
		"030-dia":                      "refused",
		"031-zonos":                    "refused",
		"032-mochi":                    "refused",
		"033-chatterbox":               "refused",
		"034-omnigen":                  "refused",
		"035-omnigen2":                 "refused",
		"036-hfs-florence-2":           "refused",
		"037-hfs-sam3":                 "refused",
		"038-hfs-moondream-pointer":    "refused",
		"039-hfs-video-caption":        "refused",
		"040-hfs-rf-detr":              "refused",
		"041-instantmesh":              "refused",
		"042-triposr":                  "refused",
		"043-stable-fast-3d":           "refused",
		"044-framepack":                "refused",
		"045-mmaudio":                  "refused",
		"047-pulid":                    "refused",
		"049-hunyuan3d-2":              "refused",
		"050-wan21":                    "refused",
		"051-bagel":                    "refused",
		"052-realtime-whisper-turbo":   "refused",
		"053-opengpt-4o":               "refused",
		"055-seed-vc":                  "refused",
		"056-index-tts":                "refused", // see 010
		"057-janus":                    "refused",
		"058-pyramid-flow":             "refused",
		"059-tooncrafter":              "refused",
		"060-latentsync":               "refused",
		"061-depth-anything-v2":        "refused",
		"062-dreamgaussian":            "refused",
		"064-consisid":                 "refused",
		"065-sadtalker":                "refused",
		"066-emu3":                     "refused",
		"067-videollama3":              "refused",
		"068-qwen25-vl-webdemo":        "refused",
		"069-cogvideox-composite-demo": "refused",
		"070-triplanegaussian-hf":      "refused",
		"071-pshuman-hf":               "refused",
		"074-openlrm-hf":               "refused",
		"075-texture-hf":               "refused",
		"076-latentnavigation-flux-hf": "refused",
		"077-image-outpaint-hf":        "refused",
		"078-open-sora-plan-v1-hf":     "refused",
		"079-dhaatu":                   "refused",
	},
}
