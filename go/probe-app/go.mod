module ha-lab.local/probe-app

go 1.26.0
