module ha-lab.local/pause

go 1.26.0
